package main

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// The models' patterns are Java regular expressions, which AWS matches
// against the whole value. Go's RE2 reads most of them the same way; the
// differences that matter here are handled by translate:
//
//   - \uXXXX escapes become \x{XXXX};
//   - \s and \S use Java's whitespace set, which includes \x0B (RE2's does
//     not);
//   - . (without (?s)) excludes Java's line terminators \n, \r, \u0085,
//     \u2028 and \u2029 (RE2's excludes only \n);
//   - lookaround, which RE2 lacks, is rewritten by hand for the patterns in
//     lookaroundRewrites.
//
// Anything else that RE2 lacks or reads differently (possessive quantifiers,
// atomic groups, class unions and intersections, inline flags, \Q...\E,
// back-references) is refused, and the generator lists the pattern as
// skipped, with the reason, in the generated file.

// javaSpace is the content of Java's \s class: [ \t\n\x0B\f\r].
const javaSpace = `\t\n\x0B\f\r `

// javaDot is what . matches in Java without DOTALL.
const javaDot = `[^\n\r\x{85}\x{2028}\x{2029}]`

// lookaroundRewrites maps model patterns that use lookaround to hand-made
// RE2 equivalents, with the reason. They are keyed by the exact model text,
// so that a pattern changed by a model update is reported as skipped rather
// than mistranslated.
var lookaroundRewrites = map[string]struct{ re2, why string }{
	// cognito-idp S3BucketType: a negative lookbehind forbids a final dot.
	`^[0-9A-Za-z\.\-_]*(?<!\.)$`: {
		re2: `^(?:[0-9A-Za-z\.\-_]*[0-9A-Za-z\-_])?$`,
		why: "negative lookbehind (no final dot) rewritten as an optional last character other than a dot",
	},
	// acm DomainNameString: negative lookaheads forbid a label starting
	// with a hyphen. A label [A-Za-z0-9-]{0,62}[A-Za-z0-9] that does not
	// start with "-" is one alphanumeric, or an alphanumeric, up to 61 of
	// [A-Za-z0-9-] and an alphanumeric; the last label, [A-Za-z0-9-]{1,62}
	// [A-Za-z0-9], is the latter only.
	`(\*\.)?(((?!-)[A-Za-z0-9-]{0,62}[A-Za-z0-9])\.)+((?!-)[A-Za-z0-9-]{1,62}[A-Za-z0-9])`: {
		re2: `(\*\.)?(([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)\.)+([A-Za-z0-9][A-Za-z0-9-]{0,61}[A-Za-z0-9])`,
		why: "negative lookaheads (no label starts with a hyphen) rewritten as labels that start with a letter or digit",
	},
}

// translate returns the RE2 form of a Java pattern, to be matched against
// the whole value, and a note when it had to be rewritten by hand. It fails
// when the pattern has no faithful RE2 form.
func translate(p string) (re2, note string, err error) {
	if r, ok := lookaroundRewrites[p]; ok {
		re2, note = r.re2, r.why
	} else if re2, err = translateSyntax(p); err != nil {
		return "", "", err
	}
	if _, err := regexp.Compile(`^(?:` + re2 + `)$`); err != nil {
		return "", "", fmt.Errorf("RE2 cannot compile it: %v", err)
	}
	return re2, note, nil
}

func translateSyntax(p string) (string, error) {
	rs := []rune(p)
	var b strings.Builder
	dotAll := false
	i := 0
	if strings.HasPrefix(p, "(?s)") {
		dotAll = true
		b.WriteString("(?s)")
		i = 4
	}
	afterQuantifier := false
	for i < len(rs) {
		c := rs[i]
		quantifier := false
		switch c {
		case '\\':
			s, n, err := translateEscape(rs, i, false)
			if err != nil {
				return "", err
			}
			b.WriteString(s)
			i += n
		case '[':
			s, n, err := translateClass(rs, i)
			if err != nil {
				return "", err
			}
			b.WriteString(s)
			i += n
		case '.':
			if dotAll {
				b.WriteByte('.')
			} else {
				b.WriteString(javaDot)
			}
			i++
		case '(':
			n, err := groupOpening(rs, i)
			if err != nil {
				return "", err
			}
			b.WriteString(string(rs[i : i+n]))
			i += n
		case '+':
			if afterQuantifier {
				return "", fmt.Errorf("possessive quantifier at offset %d has no RE2 equivalent", i)
			}
			quantifier = true
			b.WriteRune(c)
			i++
		case '*', '}':
			quantifier = true
			b.WriteRune(c)
			i++
		case '?':
			// After a quantifier, ? makes it lazy, which RE2 reads alike.
			quantifier = !afterQuantifier
			b.WriteRune(c)
			i++
		default:
			b.WriteRune(c)
			i++
		}
		afterQuantifier = quantifier
	}
	return b.String(), nil
}

// groupOpening returns the length of the group opening at rs[i] ("(",
// "(?:" or a named group), refusing the constructs RE2 lacks.
func groupOpening(rs []rune, i int) (int, error) {
	rest := string(rs[i+1:])
	switch {
	case !strings.HasPrefix(rest, "?"):
		return 1, nil
	case strings.HasPrefix(rest, "?:"):
		return 3, nil
	case strings.HasPrefix(rest, "?="), strings.HasPrefix(rest, "?!"),
		strings.HasPrefix(rest, "?<="), strings.HasPrefix(rest, "?<!"):
		return 0, fmt.Errorf("lookaround at offset %d has no RE2 equivalent", i)
	case strings.HasPrefix(rest, "?>"):
		return 0, fmt.Errorf("atomic group at offset %d has no RE2 equivalent", i)
	case strings.HasPrefix(rest, "?<") && len(rest) > 2 && unicode.IsLetter([]rune(rest)[2]):
		return 3, nil // named group: RE2 reads (?<name>...) alike
	}
	return 0, fmt.Errorf("inline flags at offset %d are not translated (only a leading (?s) is)", i)
}

// translateEscape translates the escape at rs[i] (a backslash) and returns
// it with the number of runes it spans.
func translateEscape(rs []rune, i int, inClass bool) (string, int, error) {
	if i+1 >= len(rs) {
		return "", 0, fmt.Errorf("trailing backslash")
	}
	c := rs[i+1]
	switch {
	case c == 'u':
		if i+6 > len(rs) || !isHex(rs[i+2:i+6]) {
			return "", 0, fmt.Errorf(`malformed \u escape at offset %d`, i)
		}
		return `\x{` + string(rs[i+2:i+6]) + `}`, 6, nil
	case c == 'x':
		if i+2 < len(rs) && rs[i+2] == '{' {
			end := indexRune(rs, i+3, '}')
			if end < 0 {
				return "", 0, fmt.Errorf(`malformed \x escape at offset %d`, i)
			}
			return string(rs[i : end+1]), end + 1 - i, nil
		}
		if i+4 > len(rs) || !isHex(rs[i+2:i+4]) {
			return "", 0, fmt.Errorf(`malformed \x escape at offset %d`, i)
		}
		return string(rs[i : i+4]), 4, nil
	case c == 's':
		if inClass {
			return javaSpace, 2, nil
		}
		return "[" + javaSpace + "]", 2, nil
	case c == 'S':
		if inClass {
			return "", 0, fmt.Errorf(`\S inside a character class at offset %d is not translated`, i)
		}
		return "[^" + javaSpace + "]", 2, nil
	case c == 'p' || c == 'P':
		if i+2 < len(rs) && rs[i+2] == '{' {
			end := indexRune(rs, i+3, '}')
			if end < 0 {
				return "", 0, fmt.Errorf(`malformed \p escape at offset %d`, i)
			}
			return string(rs[i : end+1]), end + 1 - i, nil
		}
		if i+2 >= len(rs) {
			return "", 0, fmt.Errorf(`malformed \p escape at offset %d`, i)
		}
		return string(rs[i : i+3]), 3, nil
	case strings.ContainsRune("dDwWtnrf", c), !inClass && strings.ContainsRune("bBAz", c):
		return string(rs[i : i+2]), 2, nil
	case c < unicode.MaxASCII && !unicode.IsLetter(c) && !unicode.IsDigit(c):
		return string(rs[i : i+2]), 2, nil // an escaped punctuation character
	}
	return "", 0, fmt.Errorf(`escape \%c at offset %d has no RE2 equivalent`, c, i)
}

// translateClass translates the character class opening at rs[i].
func translateClass(rs []rune, i int) (string, int, error) {
	// [\S] alone is common and has an exact translation.
	if strings.HasPrefix(string(rs[i:]), `[\S]`) {
		return "[^" + javaSpace + "]", 4, nil
	}
	var b strings.Builder
	b.WriteByte('[')
	j := i + 1
	if j < len(rs) && rs[j] == '^' {
		b.WriteByte('^')
		j++
	}
	start := j
	for j < len(rs) {
		c := rs[j]
		switch {
		case c == ']' && j > start:
			b.WriteByte(']')
			return b.String(), j + 1 - i, nil
		case c == '[':
			return "", 0, fmt.Errorf("nested character class at offset %d (a Java union) is not translated", j)
		case c == '&' && j+1 < len(rs) && rs[j+1] == '&':
			return "", 0, fmt.Errorf("character class intersection at offset %d is not translated", j)
		case c == '\\':
			s, n, err := translateEscape(rs, j, true)
			if err != nil {
				return "", 0, err
			}
			b.WriteString(s)
			j += n
		default:
			b.WriteRune(c)
			j++
		}
	}
	return "", 0, fmt.Errorf("unclosed character class at offset %d", i)
}

func isHex(rs []rune) bool {
	for _, r := range rs {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return false
		}
	}
	return true
}

func indexRune(rs []rune, from int, r rune) int {
	for j := from; j < len(rs); j++ {
		if rs[j] == r {
			return j
		}
	}
	return -1
}
