package uicustom

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Rule is one checked CSS rule: its selectors (Cognito class names, with
// their pseudo-class) and declarations.
type Rule struct {
	Selectors []string
	Decls     []Decl
}

// Decl is one checked declaration.
type Decl struct {
	Property  string
	Value     string
	Important bool
}

// CSSError is a CSS that Cognito would refuse, with the reason.
type CSSError struct {
	Line int // 1-based; 0 when it is about the whole sheet
	Msg  string
}

func (e *CSSError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("Invalid CSS (line %d): %s", e.Line, e.Msg)
	}
	return "Invalid CSS: " + e.Msg
}

// checker checks a declaration's value and says what it expects when the
// value is not allowed.
type checker struct {
	ok     func(v string) bool
	expect string
}

// The kinds of values the documented properties take.
var (
	colorValue   = checker{isColor, "a CSS color (#rgb, #rrggbb, rgb(), rgba(), hsl(), hsla() or a color name)"}
	pixelsValue  = checker{isPixels, "a length in pixels (for example 40px)"}
	percentValue = checker{isPercent, "a percentage of the containing block (for example 100%)"}
	lengthValue  = checker{func(v string) bool { return isLength(v, false) }, "a length (px, em, rem, %, pt, vw or vh)"}
	fontSize     = checker{isFontSize, "a font size (a length such as 14px, or a keyword such as small or large)"}
	marginValue  = checker{func(v string) bool { return isBox(v, true) }, "one to four lengths (top, right, bottom, left)"}
	paddingValue = checker{func(v string) bool { return isBox(v, false) }, "one to four lengths (top, right, bottom, left)"}
	displayValue = checker{oneOf("block", "inline"), "block or inline"}
	alignValue   = checker{oneOf("left", "right", "center"), "left, right or center"}
	borderValue  = checker{func(v string) bool { return isBorder(v, 1) }, "a border of up to three values: a width from 1px to 100px, solid or none, and a color"}
	outlineValue = checker{func(v string) bool { return v == "none" || isBorder(v, 0) }, "an outline width in pixels (0 to 100px), or none"}
	sizingValue  = checker{oneOf("content-box", "border-box"), "content-box or border-box"}
	labelWeight  = checker{isWeight, "a multiple of 100 from 100 to 900"}
	buttonWeight = checker{func(v string) bool { return oneOf("bold", "italic", "normal")(v) || isWeight(v) }, "bold, italic, normal, or a multiple of 100 from 100 to 900"}
)

// classes are the class names Cognito allows (with the pseudo-classes it
// allows), each with the properties it documents for it. Where Cognito's own
// CSS template (the one its console hands out, and that GetUICustomization
// returns for a pool that was customised in the console) sets more, those
// are allowed too, so that the template is always accepted.
var classes = map[string]map[string]checker{
	"background-customizable": {"background-color": colorValue},
	"banner-customizable":     {"padding": paddingValue, "background-color": colorValue},
	"errorMessage-customizable": {
		"margin": marginValue, "padding": paddingValue, "font-size": fontSize, "width": percentValue,
		"background": colorValue, "border": borderValue, "color": colorValue, "box-sizing": sizingValue,
	},
	"idpButton-customizable": {
		"height": pixelsValue, "width": percentValue, "text-align": alignValue, "margin-bottom": lengthValue,
		"color": colorValue, "background-color": colorValue, "border-color": colorValue,
	},
	"idpButton-customizable:hover": {"color": colorValue, "background-color": colorValue},
	"idpDescription-customizable": {
		"padding-top": lengthValue, "padding-bottom": lengthValue, "display": displayValue, "font-size": fontSize, "color": colorValue,
	},
	"inputField-customizable": {
		"width": percentValue, "height": pixelsValue, "color": colorValue, "background-color": colorValue, "border": borderValue,
	},
	"inputField-customizable:focus":       {"border-color": colorValue, "outline": outlineValue},
	"label-customizable":                  {"font-weight": labelWeight, "color": colorValue},
	"legalText-customizable":              {"color": colorValue, "font-size": fontSize},
	"logo-customizable":                   {"max-width": percentValue, "max-height": percentValue, "background-color": colorValue},
	"passwordCheck-notValid-customizable": {"color": colorValue},
	"passwordCheck-valid-customizable":    {"color": colorValue},
	"redirect-customizable":               {"text-align": alignValue},
	"socialButton-customizable": {
		"height": pixelsValue, "text-align": alignValue, "width": percentValue, "margin-bottom": lengthValue,
		"border-radius": paddingValue, "padding": paddingValue,
	},
	"submitButton-customizable": {
		"font-size": fontSize, "font-weight": buttonWeight, "margin": marginValue, "width": percentValue,
		"height": pixelsValue, "color": colorValue, "background-color": colorValue,
	},
	"submitButton-customizable:hover": {"color": colorValue, "background-color": colorValue},
	"textDescription-customizable": {
		"padding-top": lengthValue, "padding-bottom": lengthValue, "display": displayValue, "font-size": fontSize, "color": colorValue,
	},
}

// ClassNames lists the allowed selectors, sorted (for messages and docs).
func ClassNames() []string {
	names := make([]string, 0, len(classes))
	for n := range classes {
		names = append(names, "."+n)
	}
	slices.Sort(names)
	return names
}

func propertiesOf(class string) []string {
	var ps []string
	for p := range classes[class] {
		ps = append(ps, p)
	}
	slices.Sort(ps)
	return ps
}

var atRuleRE = regexp.MustCompile(`@[A-Za-z-]*`)

// ParseCSS checks a CSS against Cognito's rules and returns its rules. An
// empty (or blank) CSS has no rules. The error is a *CSSError.
func ParseCSS(css string) ([]Rule, error) {
	s, err := stripComments(css)
	if err != nil {
		return nil, err
	}
	lineAt := func(off int) int { return 1 + strings.Count(s[:off], "\n") }
	if err := scanForbidden(s, lineAt); err != nil {
		return nil, err
	}
	var rules []Rule
	pos := 0
	for {
		for pos < len(s) && isSpace(s[pos]) {
			pos++
		}
		if pos == len(s) {
			return rules, nil
		}
		open := strings.IndexByte(s[pos:], '{')
		if c := strings.IndexByte(s[pos:], '}'); c >= 0 && (open < 0 || c < open) {
			return nil, &CSSError{lineAt(pos + c), "unexpected '}'"}
		}
		if open < 0 {
			return nil, &CSSError{lineAt(pos), fmt.Sprintf("%q is not followed by a '{ ... }' block", strings.TrimSpace(s[pos:]))}
		}
		open += pos
		end := strings.IndexByte(s[open+1:], '}')
		if end < 0 {
			return nil, &CSSError{lineAt(open), "a '{' is not closed by '}'"}
		}
		end += open + 1
		if n := strings.IndexByte(s[open+1:end], '{'); n >= 0 {
			return nil, &CSSError{lineAt(open + 1 + n), "nested blocks are not allowed"}
		}
		rule, err := parseRule(s, pos, open, end, lineAt)
		if err != nil {
			return nil, err
		}
		rules = append(rules, rule)
		pos = end + 1
	}
}

// SanitizeCSS checks a CSS and returns it re-serialised from its parsed
// rules: what the hosted pages embed.
func SanitizeCSS(css string) (string, error) {
	rules, err := ParseCSS(css)
	if err != nil {
		return "", err
	}
	return Serialize(rules), nil
}

// Serialize writes checked rules back as CSS, one rule a line.
func Serialize(rules []Rule) string {
	var b strings.Builder
	for _, r := range rules {
		for i, sel := range r.Selectors {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString("." + sel)
		}
		b.WriteByte('{')
		for _, d := range r.Decls {
			b.WriteString(d.Property + ":" + d.Value)
			if d.Important {
				b.WriteString(" !important")
			}
			b.WriteByte(';')
		}
		b.WriteString("}\n")
	}
	return b.String()
}

// stripComments blanks /* comments */ out, keeping their line breaks so that
// offsets and line numbers stay those of the original.
func stripComments(css string) (string, error) {
	var b strings.Builder
	b.Grow(len(css))
	for i := 0; i < len(css); {
		if strings.HasPrefix(css[i:], "/*") {
			end := strings.Index(css[i+2:], "*/")
			if end < 0 {
				return "", &CSSError{1 + strings.Count(css[:i], "\n"), "a comment is not closed with */"}
			}
			for _, c := range []byte(css[i : i+2+end+2]) {
				if c == '\n' {
					b.WriteByte('\n')
				} else {
					b.WriteByte(' ')
				}
			}
			i += 2 + end + 2
			continue
		}
		b.WriteByte(css[i])
		i++
	}
	return b.String(), nil
}

// scanForbidden refuses what no allowed declaration needs and what could
// escape a <style> element or smuggle code in: at-rules, url(), script,
// markup, escapes, quotes and anything but printable ASCII.
func scanForbidden(s string, lineAt func(int) int) error {
	if loc := atRuleRE.FindStringIndex(s); loc != nil {
		return &CSSError{lineAt(loc[0]), fmt.Sprintf("%s is not allowed: Cognito refuses at-rules (@import, @supports, @page, @media)", s[loc[0]:loc[1]])}
	}
	lower := strings.ToLower(s)
	for _, bad := range []struct{ token, msg string }{
		{"url(", "url() is not allowed: no customizable property takes an image (set the logo with ImageFile)"},
		{"image-set(", "image-set() is not allowed: no customizable property takes an image"},
		{"expression(", "JavaScript is not allowed (expression())"},
		{"javascript:", "JavaScript is not allowed (javascript:)"},
	} {
		if i := strings.Index(lower, bad.token); i >= 0 {
			return &CSSError{lineAt(i), bad.msg}
		}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '<' || c == '>':
			return &CSSError{lineAt(i), fmt.Sprintf("%q is not allowed: HTML and combinators are not allowed", string(c))}
		case c == '\\':
			return &CSSError{lineAt(i), "escapes (\\) are not allowed"}
		case c == '"' || c == '\'':
			return &CSSError{lineAt(i), "quoted strings are not allowed: no customizable property takes one"}
		case c == '\n' || c == '\r' || c == '\t' || c == '\f':
		case c < 0x20 || c > 0x7e:
			return &CSSError{lineAt(i), "only printable ASCII characters are allowed"}
		}
	}
	return nil
}

func parseRule(s string, start, open, end int, lineAt func(int) int) (Rule, error) {
	var r Rule
	selText := s[start:open]
	off := start
	for _, part := range strings.Split(selText, ",") {
		sel := strings.TrimSpace(part)
		line := lineAt(off + leadingSpace(part))
		off += len(part) + 1
		if sel == "" {
			return r, &CSSError{line, "an empty selector"}
		}
		name, ok := strings.CutPrefix(sel, ".")
		if _, allowed := classes[name]; !ok || !allowed {
			return r, &CSSError{line, fmt.Sprintf("the selector %q is not allowed: use only Cognito's class names, one per selector: %s",
				sel, strings.Join(ClassNames(), ", "))}
		}
		r.Selectors = append(r.Selectors, name)
	}
	body := s[open+1 : end]
	off = open + 1
	for _, part := range strings.Split(body, ";") {
		declOff := off + leadingSpace(part)
		off += len(part) + 1
		if strings.TrimSpace(part) == "" {
			continue
		}
		line := lineAt(declOff)
		prop, value, found := strings.Cut(part, ":")
		prop = strings.ToLower(strings.TrimSpace(prop))
		if !found || prop == "" {
			return r, &CSSError{line, fmt.Sprintf("%q is not a declaration (property: value)", strings.TrimSpace(part))}
		}
		value = strings.Join(strings.Fields(value), " ")
		important := false
		if i := strings.LastIndexByte(value, '!'); i >= 0 {
			if strings.ToLower(strings.TrimSpace(value[i+1:])) != "important" {
				return r, &CSSError{line, fmt.Sprintf("the value of %s is not allowed: %q", prop, value)}
			}
			important, value = true, strings.TrimSpace(value[:i])
		}
		if value == "" {
			return r, &CSSError{line, fmt.Sprintf("%s has no value", prop)}
		}
		for _, sel := range r.Selectors {
			chk, ok := classes[sel][prop]
			if !ok {
				return r, &CSSError{line, fmt.Sprintf("the property %s cannot be customised on .%s; it allows: %s",
					prop, sel, strings.Join(propertiesOf(sel), ", "))}
			}
			if !isGlobalKeyword(value) && !chk.ok(value) {
				return r, &CSSError{line, fmt.Sprintf("%s: %s on .%s is not allowed: expected %s", prop, value, sel, chk.expect)}
			}
		}
		r.Decls = append(r.Decls, Decl{Property: prop, Value: value, Important: important})
	}
	return r, nil
}

func leadingSpace(s string) int { return len(s) - len(strings.TrimLeft(s, " \t\r\n\f")) }

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

func isGlobalKeyword(v string) bool { return oneOf("inherit", "initial", "unset")(v) }

func oneOf(words ...string) func(string) bool {
	return func(v string) bool { return slices.Contains(words, strings.ToLower(v)) }
}

// tokens splits a value on spaces outside parentheses.
func tokens(v string) []string {
	var out []string
	depth, start := 0, -1
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == ' ' && depth == 0:
			if start >= 0 {
				out = append(out, v[start:i])
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
	if start >= 0 {
		out = append(out, v[start:])
	}
	return out
}

var (
	numberRE  = `(?:\d+(?:\.\d*)?|\.\d+)`
	lengthRE  = regexp.MustCompile(`^(?i)(?:0|\+?` + numberRE + `(px|em|rem|%|pt|vh|vw|ex|ch))$`)
	signedRE  = regexp.MustCompile(`^(?i)(?:[+-]?0|[+-]?` + numberRE + `(px|em|rem|%|pt|vh|vw|ex|ch))$`)
	pixelsRE  = regexp.MustCompile(`^(?i)(?:0|\+?(` + numberRE + `)px)$`)
	percentRE = regexp.MustCompile(`^\+?` + numberRE + `%$`)
	hexRE     = regexp.MustCompile(`^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$`)
	colorFnRE = regexp.MustCompile(`^(?i)(rgba?|hsla?)\(([\s0-9.,%/+-]*(?:deg|turn|rad|grad)?[\s0-9.,%/+-]*)\)$`)
)

func isLength(v string, signed bool) bool {
	if signed {
		return signedRE.MatchString(v)
	}
	return lengthRE.MatchString(v)
}

func isPixels(v string) bool { return pixelsRE.MatchString(v) }

func isPercent(v string) bool { return percentRE.MatchString(v) }

func isFontSize(v string) bool {
	return isLength(v, false) || oneOf("xx-small", "x-small", "small", "medium", "large", "x-large", "xx-large", "xxx-large", "smaller", "larger")(v)
}

func isBox(v string, margin bool) bool {
	ts := tokens(v)
	if len(ts) < 1 || len(ts) > 4 {
		return false
	}
	for _, t := range ts {
		if !(isLength(t, margin) || (margin && strings.EqualFold(t, "auto"))) {
			return false
		}
	}
	return true
}

func isWeight(v string) bool {
	n, err := strconv.Atoi(v)
	return err == nil && n >= 100 && n <= 900 && n%100 == 0
}

// isBorder checks a border shorthand: at most one width (minWidth to 100px),
// one style (solid or none) and one color, in any order.
func isBorder(v string, minWidth float64) bool {
	ts := tokens(v)
	if len(ts) < 1 || len(ts) > 3 {
		return false
	}
	var width, style, color bool
	for _, t := range ts {
		switch {
		case !width && isPixels(t):
			px := 0.0
			if m := pixelsRE.FindStringSubmatch(t); m[1] != "" {
				px, _ = strconv.ParseFloat(m[1], 64)
			}
			if px < minWidth || px > 100 {
				return false
			}
			width = true
		case !style && oneOf("solid", "none")(t):
			style = true
		case !color && isColor(t):
			color = true
		default:
			return false
		}
	}
	return true
}

func isColor(v string) bool {
	if hexRE.MatchString(v) {
		return true
	}
	if m := colorFnRE.FindStringSubmatch(v); m != nil {
		args := strings.FieldsFunc(m[2], func(r rune) bool { return r == ',' || r == ' ' || r == '/' })
		return len(args) >= 3 && len(args) <= 4
	}
	_, ok := colorNames[strings.ToLower(v)]
	return ok
}

// colorNames are CSS's named colors, with transparent and currentcolor.
var colorNames = func() map[string]struct{} {
	m := map[string]struct{}{}
	for _, n := range strings.Fields(`transparent currentcolor
aliceblue antiquewhite aqua aquamarine azure beige bisque black blanchedalmond blue blueviolet brown
burlywood cadetblue chartreuse chocolate coral cornflowerblue cornsilk crimson cyan darkblue darkcyan
darkgoldenrod darkgray darkgreen darkgrey darkkhaki darkmagenta darkolivegreen darkorange darkorchid
darkred darksalmon darkseagreen darkslateblue darkslategray darkslategrey darkturquoise darkviolet
deeppink deepskyblue dimgray dimgrey dodgerblue firebrick floralwhite forestgreen fuchsia gainsboro
ghostwhite gold goldenrod gray green greenyellow grey honeydew hotpink indianred indigo ivory khaki
lavender lavenderblush lawngreen lemonchiffon lightblue lightcoral lightcyan lightgoldenrodyellow
lightgray lightgreen lightgrey lightpink lightsalmon lightseagreen lightskyblue lightslategray
lightslategrey lightsteelblue lightyellow lime limegreen linen magenta maroon mediumaquamarine
mediumblue mediumorchid mediumpurple mediumseagreen mediumslateblue mediumspringgreen
mediumturquoise mediumvioletred midnightblue mintcream mistyrose moccasin navajowhite navy oldlace
olive olivedrab orange orangered orchid palegoldenrod palegreen paleturquoise palevioletred
papayawhip peachpuff peru pink plum powderblue purple rebeccapurple red rosybrown royalblue
saddlebrown salmon sandybrown seagreen seashell sienna silver skyblue slateblue slategray slategrey
snow springgreen steelblue tan teal thistle tomato turquoise violet wheat white whitesmoke yellow
yellowgreen`) {
		m[n] = struct{}{}
	}
	return m
}()
