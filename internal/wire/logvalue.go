package wire

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// Redacted is what a sensitive member logs as.
const Redacted = "[REDACTED]"

// secretMapKeys are map keys whose values log as "[REDACTED]" though the
// model does not mark the map sensitive: an identity provider's
// ProviderDetails carry its client secret and Apple's private key.
var secretMapKeys = map[string]bool{"client_secret": true, "private_key": true}

// LogValue renders a generated wire value for log/slog: the members that are
// set, by their wire names, nested values as groups, and every member the
// service model marks sensitive (passwords, tokens, secrets, codes, user
// names and attribute values) as "[REDACTED]". Blobs log as their length
// only. The generated types' LogValue methods call it; generated fields of
// sensitive members carry the struct tag log:"redact".
func LogValue(v any) slog.Value {
	return logValue(reflect.ValueOf(v))
}

var timeType = reflect.TypeFor[Time]()
var rawType = reflect.TypeFor[json.RawMessage]()

func logValue(v reflect.Value) slog.Value {
	switch v.Kind() {
	case reflect.Invalid:
		return slog.Value{}
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return slog.Value{}
		}
		return logValue(v.Elem())
	case reflect.Struct:
		if v.Type() == timeType {
			return slog.TimeValue(v.Interface().(Time).Time)
		}
		t := v.Type()
		var attrs []slog.Attr
		for i := range t.NumField() {
			f, fv := t.Field(i), v.Field(i)
			if !f.IsExported() || fv.IsZero() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" {
				name = f.Name
			}
			if f.Tag.Get("log") == "redact" {
				attrs = append(attrs, slog.String(name, Redacted))
				continue
			}
			attrs = append(attrs, slog.Attr{Key: name, Value: logValue(fv)})
		}
		return slog.GroupValue(attrs...)
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 || v.Type() == rawType {
			return slog.StringValue(fmt.Sprintf("<%d bytes>", v.Len()))
		}
		attrs := make([]slog.Attr, v.Len())
		for i := range attrs {
			attrs[i] = slog.Attr{Key: strconv.Itoa(i), Value: logValue(v.Index(i))}
		}
		return slog.GroupValue(attrs...)
	case reflect.Map:
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
		attrs := make([]slog.Attr, len(keys))
		for i, k := range keys {
			if secretMapKeys[k.String()] {
				attrs[i] = slog.String(k.String(), Redacted)
				continue
			}
			attrs[i] = slog.Attr{Key: k.String(), Value: logValue(v.MapIndex(k))}
		}
		return slog.GroupValue(attrs...)
	case reflect.String:
		return slog.StringValue(v.String())
	case reflect.Bool:
		return slog.BoolValue(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return slog.Int64Value(v.Int())
	case reflect.Float32, reflect.Float64:
		return slog.Float64Value(v.Float())
	}
	return slog.StringValue(fmt.Sprintf("<%s>", v.Type()))
}
