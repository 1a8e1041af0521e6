package main

import (
	"regexp"
	"strings"
	"testing"
)

func TestTranslate(t *testing.T) {
	tests := []struct{ in, want string }{
		{`[\w+]+`, `[\w+]+`},
		{`[\w\s+=,.@-]+`, `[\w\t\n\x0B\f\r +=,.@-]+`},
		{`[\S]+`, `[^\t\n\x0B\f\r ]+`},
		{`\s\S`, `[\t\n\x0B\f\r ][^\t\n\x0B\f\r ]`},
		{`.*\{####\}.*`, `[^\n\r\x{85}\x{2028}\x{2029}]*\{####\}[^\n\r\x{85}\x{2028}\x{2029}]*`},
		{`(?s).*`, `(?s).*`},
		{`\u000D?\u000A`, `\x{000D}?\x{000A}`},
		{`[\u0009\u0020-\u00FF]*`, `[\x{0009}\x{0020}-\x{00FF}]*`},
		{`[\x21\x23-\x5B]+`, `[\x21\x23-\x5B]+`},
		{`[\p{L}\p{M}\s*]*`, `[\p{L}\p{M}\t\n\x0B\f\r *]*`},
		{`^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$`, `^[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?$`},
		{`a+?b*?`, `a+?b*?`},
		{`(?<name>a)`, `(?<name>a)`},
	}
	for _, tt := range tests {
		got, _, err := translate(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("translate(%s) = %s, %v; want %s", tt.in, got, err, tt.want)
		}
	}
}

func TestTranslateRefuses(t *testing.T) {
	for _, in := range []string{
		`(?=a)b`, `a(?!b)`, `(?<=a)b`, `a(?<!b)`, `(?>a)`, // lookaround, atomic group
		`a++`, `a*+`, `a{2}+`, // possessive quantifiers
		`[a[b]]`, `[a-z&&[^c]]`, // class union and intersection
		`[a\S]`, `\Qa.b\E`, `(a)\1`, `\h`, `\R`, // escapes with no faithful form
		`(?i)a`, `a(?s).`, `(?x) a`, // inline flags other than a leading (?s)
		`[abc`, `\`, `\u12`, `\p{Alpha}`, // malformed, or unknown to RE2
	} {
		if got, _, err := translate(in); err == nil {
			t.Errorf("translate(%s) = %s; want a refusal", in, got)
		}
	}
}

func TestTranslatedJavaSemantics(t *testing.T) {
	tests := []struct {
		pattern string
		value   string
		want    bool
	}{
		{`[\S]+`, "abc", true},
		{`[\S]+`, "a\x0Bb", false}, // Java's \s includes vertical tab
		{`[\w\s]+`, "a\x0Bb", true},
		{`.*\{####\}.*`, "Code {####}.", true},
		{`.*\{####\}.*`, "Code\r{####}", false}, // Java's . stops at \r too
		{`.*\{####\}.*`, "Code\u2028{####}", false},
		{`.*\{####\}.*`, "Code\n{####}", false},
		{`(?s).*`, "line\nline\r", true},
		{`\u000D?\u000A`, "\r\n", true},
		{`[\p{L}\p{M}\p{S}\p{N}\p{P}]+`, "Jörg+1@例え.jp", true},
		{`[\p{L}\p{M}\p{S}\p{N}\p{P}]+`, "a b", false},
	}
	for _, tt := range tests {
		re2, _, err := translate(tt.pattern)
		if err != nil {
			t.Fatalf("translate(%s): %v", tt.pattern, err)
		}
		re := regexp.MustCompile(`^(?:` + re2 + `)$`)
		if got := re.MatchString(tt.value); got != tt.want {
			t.Errorf("%s matches %q = %v; want %v", tt.pattern, tt.value, got, tt.want)
		}
	}
}

// allStrings returns every string of length 0..maxLen over alphabet.
func allStrings(alphabet string, maxLen int) []string {
	out := []string{""}
	level := []string{""}
	for n := 1; n <= maxLen; n++ {
		var next []string
		for _, s := range level {
			for _, c := range alphabet {
				next = append(next, s+string(c))
			}
		}
		out = append(out, next...)
		level = next
	}
	return out
}

// TestLookaroundRewrites compares each hand rewrite with a direct reading of
// the Java pattern, exhaustively over short strings.
func TestLookaroundRewrites(t *testing.T) {
	s3 := regexp.MustCompile(`^(?:` + lookaroundRewrites[`^[0-9A-Za-z\.\-_]*(?<!\.)$`].re2 + `)$`)
	s3Java := func(s string) bool { // [0-9A-Za-z.\-_]* not ending in a dot
		return strings.Trim(s, "aZ9.-_") == "" && !strings.HasSuffix(s, ".")
	}
	for _, s := range allStrings("aZ9.-_/", 5) {
		if got, want := s3.MatchString(s), s3Java(s); got != want {
			t.Errorf("S3BucketType %q: rewrite %v, Java %v", s, got, want)
		}
	}

	const domainPattern = `(\*\.)?(((?!-)[A-Za-z0-9-]{0,62}[A-Za-z0-9])\.)+((?!-)[A-Za-z0-9-]{1,62}[A-Za-z0-9])`
	domain := regexp.MustCompile(`^(?:` + lookaroundRewrites[domainPattern].re2 + `)$`)
	label := func(l string, minLen int) bool {
		alnumOrHyphen := strings.IndexFunc(l, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-')
		}) < 0
		return len(l) >= minLen && len(l) <= 63 && alnumOrHyphen && l[0] != '-' && l[len(l)-1] != '-'
	}
	domainJava := func(s string) bool {
		s = strings.TrimPrefix(s, "*.")
		labels := strings.Split(s, ".")
		if len(labels) < 2 {
			return false
		}
		for _, l := range labels[:len(labels)-1] {
			if !label(l, 1) {
				return false
			}
		}
		return label(labels[len(labels)-1], 2)
	}
	for _, s := range allStrings("a9-.*", 7) {
		if got, want := domain.MatchString(s), domainJava(s); got != want {
			t.Errorf("DomainNameString %q: rewrite %v, Java %v", s, got, want)
		}
	}
	for _, n := range []int{61, 62, 63, 64} {
		l := "a" + strings.Repeat("-", n-2) + "a"
		for _, s := range []string{l + ".com", "example." + l, "*." + l + "." + l} {
			if got, want := domain.MatchString(s), domainJava(s); got != want {
				t.Errorf("DomainNameString with a %d-character label: rewrite %v, Java %v", n, got, want)
			}
		}
	}
}
