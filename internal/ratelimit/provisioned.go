package ratelimit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"sort"
	"strings"

	"github.com/gognito/gognito/internal/awserr"
	"github.com/gognito/gognito/internal/reqctx"
	"github.com/gognito/gognito/internal/store"
	cip "github.com/gognito/gognito/internal/wire/cognitoidp"
)

// ChangeTopic is the cluster topic of provisioned-limit changes; the key is
// "<region>/<category>".
const ChangeTopic = "ratelimit"

// APICategory is the one LimitClass of GetProvisionedLimit and
// UpdateProvisionedLimit, and CategoryAttribute the one key of its
// Attributes.
const (
	APICategory       = "API_CATEGORY"
	CategoryAttribute = "Category"
)

// DefaultMaxFactor is how far above Cognito's default rate a category may
// be provisioned unless configured otherwise (--provisioned-limit-factor).
const DefaultMaxFactor = 10

// provisionedPrefix is where provisioned rates live in the store's
// key-value space: provisionedPrefix + "<region>/<category>".
const provisionedPrefix = "ratelimit/provisioned/"

// provisionedVersion is the version of the stored document.
const provisionedVersion = 1

// provisionedDoc is one stored provisioned rate.
type provisionedDoc struct {
	Version  int    `json:"Version"`
	Region   string `json:"Region"`
	Category string `json:"Category"`
	Value    int32  `json:"Value"`
}

// Values is what Quotas needs of the store: its key-value space, shared by
// the nodes of one database.
type Values interface {
	GetValue(ctx context.Context, key string) ([]byte, error)
	SetValue(ctx context.Context, key string, v []byte) error
	ListValues(ctx context.Context, prefix string) (map[string][]byte, error)
}

// QuotaOptions configure Quotas.
type QuotaOptions struct {
	// Limiter enforces the rates (nil: limits off; the provisioned rates
	// are then stored and reported but not enforced).
	Limiter *Limiter
	// Region is the Region of requests whose signature names none.
	Region string
	// MaxFactor bounds RequestedLimitValue at MaxFactor times the
	// category's Cognito default (or its configured rate, when higher).
	MaxFactor int64
	// Announce tells the other nodes that a key of ChangeTopic changed.
	Announce func(key string)
	Log      *slog.Logger
}

// Quotas serves GetProvisionedLimit and UpdateProvisionedLimit: the rate of
// each API category per Region, stored so that every node (and a restarted
// one) applies it.
type Quotas struct {
	values Values
	opts   QuotaOptions
}

// NewQuotas builds the provisioned-limit operations on the store's values.
func NewQuotas(values Values, opts QuotaOptions) *Quotas {
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.MaxFactor < 0 {
		opts.MaxFactor = 0
	}
	return &Quotas{values: values, opts: opts}
}

// GetProvisionedLimit answers the category's rate in the request's Region:
// the provisioned one, else the configured one, else Cognito's default; and
// Cognito's default as FreeLimitValue.
func (q *Quotas) GetProvisionedLimit(ctx context.Context, in *cip.GetProvisionedLimitRequest) (*cip.GetProvisionedLimitResponse, error) {
	cat, err := categoryOf(in.LimitDefinition)
	if err != nil {
		return nil, err
	}
	region := reqctx.QuotaRegion(ctx, q.opts.Region)
	v, ok, err := q.read(ctx, region, cat)
	if err != nil {
		return nil, err
	}
	if !ok {
		v = q.current(cat)
	}
	return &cip.GetProvisionedLimitResponse{Limit: limitOf(cat, v)}, nil
}

// UpdateProvisionedLimit sets the category's rate in the request's Region,
// between Cognito's default and the configured maximum, on every node.
func (q *Quotas) UpdateProvisionedLimit(ctx context.Context, in *cip.UpdateProvisionedLimitRequest) (*cip.UpdateProvisionedLimitResponse, error) {
	cat, err := categoryOf(in.LimitDefinition)
	if err != nil {
		return nil, err
	}
	var want int32
	if in.RequestedLimitValue != nil {
		want = *in.RequestedLimitValue
	}
	free := freeValue(cat)
	if want < free {
		return nil, awserr.Newf(awserr.InvalidParameter,
			"RequestedLimitValue %d is below the default limit of %d for category %s.", want, free, cat)
	}
	if most := q.max(cat); want > most {
		return nil, awserr.Newf(awserr.ServiceQuotaExceeded,
			"RequestedLimitValue %d exceeds the maximum limit of %d for category %s.", want, most, cat)
	}
	region := reqctx.QuotaRegion(ctx, q.opts.Region)
	doc, _ := json.Marshal(provisionedDoc{Version: provisionedVersion, Region: region, Category: cat, Value: want})
	if err := q.values.SetValue(ctx, provisionedPrefix+region+"/"+cat, doc); err != nil {
		return nil, err
	}
	q.opts.Limiter.SetProvisioned(region, cat, float64(want))
	if q.opts.Announce != nil {
		q.opts.Announce(region + "/" + cat)
	}
	return &cip.UpdateProvisionedLimitResponse{Limit: limitOf(cat, want)}, nil
}

// Load applies every stored provisioned rate to the limiter (at start, and
// when announcements may have been missed).
func (q *Quotas) Load(ctx context.Context) error {
	all, err := q.values.ListValues(ctx, provisionedPrefix)
	if err != nil {
		return err
	}
	for _, raw := range all {
		var d provisionedDoc
		if json.Unmarshal(raw, &d) != nil || d.Version != provisionedVersion {
			continue
		}
		q.opts.Limiter.SetProvisioned(d.Region, d.Category, float64(d.Value))
	}
	return nil
}

// Changed is the cluster subscriber: another node changed key
// ("<region>/<category>"), or "" when announcements may have been missed.
func (q *Quotas) Changed(key string) {
	ctx := context.Background()
	if key == "" {
		if err := q.Load(ctx); err != nil {
			q.opts.Log.Warn("ratelimit: reloading provisioned limits", "error", err)
		}
		return
	}
	region, cat, ok := strings.Cut(key, "/")
	if !ok {
		return
	}
	v, found, err := q.read(ctx, region, cat)
	if err != nil {
		q.opts.Log.Warn("ratelimit: reading a provisioned limit", "key", key, "error", err)
		return
	}
	if !found {
		v = 0
	}
	q.opts.Limiter.SetProvisioned(region, cat, float64(v))
}

// read is the stored provisioned rate of the category in the Region.
func (q *Quotas) read(ctx context.Context, region, cat string) (int32, bool, error) {
	raw, err := q.values.GetValue(ctx, provisionedPrefix+region+"/"+cat)
	if errors.Is(err, store.ErrNotFound) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	var d provisionedDoc
	if err := json.Unmarshal(raw, &d); err != nil || d.Version != provisionedVersion {
		return 0, false, fmt.Errorf("ratelimit: provisioned limit %s/%s: unreadable document", region, cat)
	}
	return d.Value, true, nil
}

// current is the category's rate when nothing is provisioned: the
// configured one, else Cognito's default.
func (q *Quotas) current(cat string) int32 {
	if c := q.opts.Limiter.Configured(cat); c > 0 {
		return int32(math.Min(math.Ceil(c), math.MaxInt32))
	}
	return freeValue(cat)
}

// max is the highest rate the category may be provisioned at.
func (q *Quotas) max(cat string) int32 {
	m := float64(q.opts.MaxFactor) * DefaultRates[cat]
	m = math.Max(m, DefaultRates[cat])
	m = math.Max(m, math.Ceil(q.opts.Limiter.Configured(cat)))
	return int32(math.Min(m, math.MaxInt32))
}

func freeValue(cat string) int32 { return int32(DefaultRates[cat]) }

func limitOf(cat string, provisioned int32) *cip.LimitType {
	free := freeValue(cat)
	return &cip.LimitType{
		LimitDefinition:       &cip.LimitDefinitionType{LimitClass: APICategory, Attributes: map[string]string{CategoryAttribute: cat}},
		ProvisionedLimitValue: &provisioned,
		FreeLimitValue:        &free,
	}
}

// categoryOf checks a LimitDefinition (the model has checked LimitClass
// against its enum) and returns its category.
func categoryOf(def *cip.LimitDefinitionType) (string, error) {
	if def == nil {
		return "", awserr.New(awserr.InvalidParameter, "LimitDefinition is required.")
	}
	if def.LimitClass != APICategory {
		return "", awserr.Newf(awserr.InvalidParameter, "Invalid LimitClass %q; the supported LimitClass is %s.", def.LimitClass, APICategory)
	}
	for k := range def.Attributes {
		if k != CategoryAttribute {
			return "", awserr.Newf(awserr.InvalidParameter,
				"Invalid attribute %q in LimitDefinition. A limit of class %s takes the attribute %s only.", k, APICategory, CategoryAttribute)
		}
	}
	cat, ok := def.Attributes[CategoryAttribute]
	if !ok {
		return "", awserr.Newf(awserr.InvalidParameter, "LimitDefinition.Attributes must contain %s for a limit of class %s.", CategoryAttribute, APICategory)
	}
	if _, known := DefaultRates[cat]; !known || cat == HostedUI {
		return "", awserr.Newf(awserr.InvalidParameter, "Invalid %s %q. Valid categories: %s.", CategoryAttribute, cat, strings.Join(APICategories(), ", "))
	}
	return cat, nil
}

// APICategories are the categories GetProvisionedLimit and
// UpdateProvisionedLimit know: Cognito's, without gognito's HostedUI.
func APICategories() []string {
	var cs []string
	for c := range DefaultRates {
		if c != HostedUI {
			cs = append(cs, c)
		}
	}
	sort.Strings(cs)
	return cs
}
