package uicustom

import (
	"strings"
	"testing"
)

// cognitoTemplate has every rule of the CSS template Cognito hands out (and
// returns from GetUICustomization for a pool customised in its console):
// it must always be accepted.
const cognitoTemplate = `
.logo-customizable { max-width: 60%; max-height: 30%; }
.banner-customizable { padding: 25px 0px 25px 0px; background-color: lightgray; }
.label-customizable { font-weight: 400; }
.textDescription-customizable { padding-top: 10px; padding-bottom: 10px; display: block; font-size: 16px; }
.idpDescription-customizable { padding-top: 10px; padding-bottom: 10px; display: block; font-size: 16px; }
.legalText-customizable { color: #747474; font-size: 11px; }
.submitButton-customizable { font-size: 14px; font-weight: bold; margin: 20px 0px 10px 0px; height: 40px; width: 100%; color: #fff; background-color: #337ab7; }
.submitButton-customizable:hover { color: #fff; background-color: #286090; }
.errorMessage-customizable { padding: 5px; font-size: 14px; width: 100%; background: #F5F5F5; border: 2px solid #D64958; color: #D64958; }
.inputField-customizable { width: 100%; height: 34px; color: #555; background-color: #fff; border: 1px solid #ccc; }
.inputField-customizable:focus { border-color: #66afe9; outline: 0; }
.idpButton-customizable { height: 40px; width: 100%; width: 100%; text-align: center; margin-bottom: 15px; color: #fff; background-color: #5bc0de; border-color: #46b8da; }
.idpButton-customizable:hover { color: #fff; background-color: #31b0d5; }
.socialButton-customizable { border-radius: 2px; height: 40px; margin-bottom: 15px; padding: 1px; text-align: left; width: 100%; }
.redirect-customizable { text-align: center; }
.passwordCheck-notValid-customizable { color: #DF3312; }
.passwordCheck-valid-customizable { color: #19BF00; }
.background-customizable { background-color: #fff; }
`

func TestCSSAccepted(t *testing.T) {
	for name, css := range map[string]string{
		"Cognito's template": cognitoTemplate,
		"empty":              "",
		"blank":              " \n\t ",
		"comments":           "/* brand */\n.label-customizable { /* weight */ font-weight: 700 }",
		"several selectors":  ".submitButton-customizable, .idpButton-customizable { color: rgb(255, 255, 255); background-color: hsl(210deg 50% 40%) }",
		"important":          ".submitButton-customizable { background-color: #0b5cab !important; }",
		"colors":             ".background-customizable{background-color:rgba(0,0,0,.5)} .label-customizable{color:RebeccaPurple} .legalText-customizable{color:#abcd}",
		"global keyword":     ".label-customizable { color: inherit }",
		"negative margin":    ".submitButton-customizable { margin: -4px auto 0 1.5em }",
		"border none":        ".inputField-customizable { border: none }",
		"font-size keyword":  ".legalText-customizable { font-size: small }",
		"no last semicolon":  ".label-customizable{font-weight:100}",
	} {
		if _, err := ParseCSS(css); err != nil {
			t.Errorf("%s: refused: %v", name, err)
		}
	}
}

func TestCSSRefused(t *testing.T) {
	for _, tc := range []struct{ name, css, want string }{
		{"@import", `@import "x.css";`, "@import is not allowed"},
		{"@media", ".label-customizable{color:red}\n@media (max-width: 600px) { .label-customizable { color: blue } }", "(line 2): @media is not allowed"},
		{"@supports", "@supports (display: grid) {}", "@supports"},
		{"@page", "@page { margin: 1cm }", "@page"},
		{"@font-face", "@font-face { font-family: x }", "at-rules"},
		{"url", ".background-customizable { background-color: url(data:image/png;base64,AAAA) }", "url() is not allowed"},
		{"expression", ".label-customizable { color: expression(alert(1)) }", "JavaScript is not allowed"},
		{"javascript", ".label-customizable { color: javascript:alert(1) }", "JavaScript is not allowed"},
		{"html", ".label-customizable { color: red }</style><script>alert(1)</script>", "HTML"},
		{"escape", `.label-customizable { color: \72 ed }`, "escapes"},
		{"quotes", `.label-customizable { color: "red" }`, "quoted strings"},
		{"non-ASCII", ".label-customizable { color: rouge\u00e9 }", "printable ASCII"},
		{"unknown class", ".header { color: red }", `the selector ".header" is not allowed`},
		{"element", "body { color: red }", `the selector "body" is not allowed`},
		{"descendant", ".banner-customizable .logo-customizable { max-width: 10% }", "is not allowed"},
		{"unknown pseudo-class", ".label-customizable:hover { color: red }", "is not allowed"},
		{"id", "#x { color: red }", "is not allowed"},
		{"universal", "* { color: red }", "is not allowed"},
		{"property of another class", ".label-customizable { background-color: red }", "the property background-color cannot be customised on .label-customizable; it allows: color, font-weight"},
		{"property on one of two", ".label-customizable, .background-customizable { color: red }", "cannot be customised on .background-customizable"},
		{"position", ".logo-customizable { position: fixed }", "cannot be customised"},
		{"label weight", ".label-customizable { font-weight: 450 }", "expected a multiple of 100 from 100 to 900"},
		{"label weight bold", ".label-customizable { font-weight: bold }", "expected a multiple of 100"},
		{"input border width", ".inputField-customizable { border: 101px solid #ccc }", "from 1px to 100px"},
		{"input border style", ".inputField-customizable { border: 1px dashed #ccc }", "solid or none"},
		{"width in px", ".submitButton-customizable { width: 300px }", "a percentage"},
		{"height in %", ".submitButton-customizable { height: 10% }", "a length in pixels"},
		{"display", ".textDescription-customizable { display: none }", "block or inline"},
		{"text-align", ".idpButton-customizable { text-align: justify }", "left, right or center"},
		{"color", ".label-customizable { color: notacolor }", "a CSS color"},
		{"hex", ".label-customizable { color: #12345 }", "a CSS color"},
		{"too many margins", ".submitButton-customizable { margin: 1px 2px 3px 4px 5px }", "one to four lengths"},
		{"no value", ".label-customizable { color: }", "has no value"},
		{"no colon", ".label-customizable { color red }", "is not a declaration"},
		{"bad important", ".label-customizable { color: red !nope }", "is not allowed"},
		{"unclosed block", ".label-customizable { color: red", "is not closed"},
		{"unclosed comment", "/* .label-customizable { color: red }", "comment is not closed"},
		{"stray brace", "} .label-customizable { color: red }", "unexpected '}'"},
		{"nested", ".label-customizable { .x { color: red } }", "nested blocks"},
		{"no block", ".label-customizable", "is not followed by"},
		{"empty selector", ", .label-customizable { color: red }", "an empty selector"},
	} {
		_, err := ParseCSS(tc.css)
		if err == nil {
			t.Errorf("%s: accepted %q", tc.name, tc.css)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "Invalid CSS") {
			t.Errorf("%s: error %q, want it to contain %q", tc.name, err, tc.want)
		}
	}
}

func TestSanitizedCSS(t *testing.T) {
	out, err := SanitizeCSS("/* c */ .submitButton-customizable ,\n .idpButton-customizable {\n  COLOR :  #fff ;background-color: rgb(1,  2, 3) ! important }\n.label-customizable{}")
	if err != nil {
		t.Fatal(err)
	}
	want := ".submitButton-customizable,.idpButton-customizable{color:#fff;background-color:rgb(1, 2, 3) !important;}\n.label-customizable{}\n"
	if out != want {
		t.Fatalf("sanitised:\n%s\nwant:\n%s", out, want)
	}
	if strings.ContainsAny(out, "<>\\\"'") {
		t.Fatal("the sanitised CSS can leave a <style> element")
	}
	// What comes out goes back in unchanged.
	if again, err := SanitizeCSS(out); err != nil || again != out {
		t.Fatalf("not stable: %q %v", again, err)
	}
	tmpl, err := SanitizeCSS(cognitoTemplate)
	if err != nil || strings.Count(tmpl, "\n") != 18 {
		t.Fatalf("template: %v\n%s", err, tmpl)
	}
}

func TestCSSErrorLines(t *testing.T) {
	_, err := ParseCSS(".label-customizable {\n  font-weight: 400;\n  /* a\n comment */\n  color: nope;\n}")
	if err == nil || !strings.HasPrefix(err.Error(), "Invalid CSS (line 5):") {
		t.Fatalf("line of the error: %v", err)
	}
}

func TestClassNames(t *testing.T) {
	names := ClassNames()
	for _, want := range []string{".background-customizable", ".banner-customizable", ".errorMessage-customizable", ".idpButton-customizable",
		".idpButton-customizable:hover", ".inputField-customizable", ".inputField-customizable:focus", ".label-customizable",
		".legalText-customizable", ".logo-customizable", ".submitButton-customizable", ".submitButton-customizable:hover",
		".textDescription-customizable"} {
		found := false
		for _, n := range names {
			found = found || n == want
		}
		if !found {
			t.Errorf("%s is not allowed", want)
		}
	}
	if len(names) != 18 {
		t.Errorf("%d classes: %v", len(names), names)
	}
}
