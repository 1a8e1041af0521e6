package app_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/gognito/gognito/internal/certs/certtest"
)

// brandCSS is a customisation the hosted pages must show.
const brandCSS = `/* gognito test brand */
.background-customizable { background-color: #fff8e1; }
.banner-customizable { padding: 20px 0px 10px 0px; background-color: #0b3d2e; }
.logo-customizable { max-width: 60%; max-height: 30%; }
.label-customizable { font-weight: 700; color: #0b3d2e; }
.inputField-customizable { width: 100%; height: 38px; color: #102a43; background-color: #ffffff; border: 2px solid #0b3d2e; }
.inputField-customizable:focus { border-color: #f59e0b; outline: 2px; }
.submitButton-customizable { font-size: 16px; font-weight: bold; margin: 20px 0px 10px 0px; height: 44px; width: 100%; color: #ffffff; background-color: #0b6e4f; }
.submitButton-customizable:hover { color: #ffffff; background-color: #08543c; }
.errorMessage-customizable { padding: 8px; font-size: 14px; width: 100%; background: #fde2e1; border: 1px solid #b42318; color: #b42318; }
.textDescription-customizable { padding-top: 4px; padding-bottom: 4px; display: block; font-size: 22px; color: #0b3d2e; }
`

// cognitoTemplateCSS is the CSS template Cognito's console hands out (the
// default look), which must always be accepted.
const cognitoTemplateCSS = `
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
.idpButton-customizable { height: 40px; width: 100%; text-align: center; margin-bottom: 15px; color: #fff; background-color: #5bc0de; border-color: #46b8da; }
.idpButton-customizable:hover { color: #fff; background-color: #31b0d5; }
.socialButton-customizable { height: 40px; text-align: left; width: 100%; margin-bottom: 15px; }
.redirect-customizable { text-align: center; }
.passwordCheck-notValid-customizable { color: #DF3312; }
.passwordCheck-valid-customizable { color: #19BF00; }
.background-customizable { background-color: #fff; }
`

// logoPNG draws a small logo: a green band with a yellow bar.
func logoPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 350, 120))
	for y := range 120 {
		for x := range 350 {
			c := color.RGBA{11, 110, 79, 255}
			if y > 50 && y < 70 && x > 40 && x < 310 {
				c = color.RGBA{245, 158, 11, 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func logoJPEG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 32))
	for y := range 32 {
		for x := range 64 {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 8), 120, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// noisePNG is a valid PNG of random pixels (which do not compress): about
// w*h*4 bytes.
func noisePNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(1, 2))
	for i := range img.Pix {
		img.Pix[i] = uint8(r.Uint32())
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func fetchLogo(t *testing.T, u string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

var cssVersionRE = regexp.MustCompile(`^\d{14}$`)

// TestUICustomization drives SetUICustomization and GetUICustomization
// through the AWS SDK: the domain requirement, ALL and client settings (no
// fallback once a client has its own), the CSS and image rules, CSSVersion
// and the dates, the logos served at ImageUrl, removal, and a restart.
func TestUICustomization(t *testing.T) {
	dir := t.TempDir()
	ts := startServer(t, dir)
	ctx := context.Background()
	c := ts.client("us-east-1", false)
	raw := ts.client("us-east-1", true) // no client-side validation
	pool := *must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("brand")})).UserPool.Id
	other := *must[*cognito.CreateUserPoolOutput](t)(c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("other")})).UserPool.Id
	newClient := func(pool, name string) string {
		return *must[*cognito.CreateUserPoolClientOutput](t)(c.CreateUserPoolClient(ctx, &cognito.CreateUserPoolClientInput{UserPoolId: &pool, ClientName: &name})).UserPoolClient.ClientId
	}
	web, mobile, foreign := newClient(pool, "web"), newClient(pool, "mobile"), newClient(other, "foreign")
	set := func(client, css string, img []byte) (*types.UICustomizationType, error) {
		in := &cognito.SetUICustomizationInput{UserPoolId: &pool, ImageFile: img}
		if client != "" {
			in.ClientId = &client
		}
		if css != "" {
			in.CSS = &css
		}
		out, err := raw.SetUICustomization(ctx, in)
		if err != nil {
			return nil, err
		}
		return out.UICustomization, nil
	}
	get := func(client string) *types.UICustomizationType {
		t.Helper()
		in := &cognito.GetUICustomizationInput{UserPoolId: &pool}
		if client != "" {
			in.ClientId = &client
		}
		return must[*cognito.GetUICustomizationOutput](t)(c.GetUICustomization(ctx, in)).UICustomization
	}
	png1 := logoPNG(t)

	// Nothing set: an empty customisation naming the pool and the client.
	for _, client := range []string{"", "ALL", web} {
		g := get(client)
		want := client
		if want == "" {
			want = "ALL"
		}
		if aws.ToString(g.UserPoolId) != pool || aws.ToString(g.ClientId) != want || g.CSS != nil || g.CSSVersion != nil || g.ImageUrl != nil ||
			g.CreationDate != nil || g.LastModifiedDate != nil {
			t.Fatalf("nothing set, client %q: %+v", client, g)
		}
	}

	// A domain is required.
	_, err := set("ALL", brandCSS, png1)
	wantAPIError(t, err, "InvalidParameterException", "A domain must be associated with this user pool.")
	must[*cognito.CreateUserPoolDomainOutput](t)(c.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String("brand"), UserPoolId: &pool}))

	// Unknown pool and clients.
	_, err = raw.SetUICustomization(ctx, &cognito.SetUICustomizationInput{UserPoolId: aws.String("us-east-1_nothere"), CSS: aws.String(brandCSS)})
	wantAPIError(t, err, "ResourceNotFoundException", "User pool us-east-1_nothere does not exist.")
	_, err = c.GetUICustomization(ctx, &cognito.GetUICustomizationInput{UserPoolId: aws.String("us-east-1_nothere")})
	wantAPIError(t, err, "ResourceNotFoundException", "does not exist")
	for _, client := range []string{"nosuchclient", foreign} {
		_, err = set(client, brandCSS, nil)
		wantAPIError(t, err, "ResourceNotFoundException", "User pool client "+client+" does not exist.")
		_, err = c.GetUICustomization(ctx, &cognito.GetUICustomizationInput{UserPoolId: &pool, ClientId: &client})
		wantAPIError(t, err, "ResourceNotFoundException", "does not exist")
	}

	// The pool's default (ALL): CSS and a PNG logo.
	before := time.Now().Add(-time.Second)
	all := must[*types.UICustomizationType](t)(set("ALL", brandCSS, png1))
	wantLogo := ts.URL + "/_gognito/ui/" + pool + "/ALL/logo.png"
	if aws.ToString(all.UserPoolId) != pool || aws.ToString(all.ClientId) != "ALL" || aws.ToString(all.CSS) != brandCSS ||
		!cssVersionRE.MatchString(aws.ToString(all.CSSVersion)) || aws.ToString(all.ImageUrl) != wantLogo ||
		all.CreationDate == nil || all.CreationDate.Before(before) || !all.LastModifiedDate.Equal(*all.CreationDate) {
		t.Fatalf("set ALL: %+v", all)
	}
	resp, body := fetchLogo(t, wantLogo)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || !bytes.Equal(body, png1) {
		t.Fatalf("GET %s: %d %s (%d bytes)", wantLogo, resp.StatusCode, resp.Header.Get("Content-Type"), len(body))
	}
	if resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("ETag") != `"`+aws.ToString(all.CSSVersion)+`"` ||
		resp.Header.Get("Content-Security-Policy") != "default-src 'none'" {
		t.Fatalf("logo headers: %v", resp.Header)
	}
	if head, err := http.Head(wantLogo); err != nil || head.StatusCode != 200 || head.ContentLength != int64(len(png1)) {
		t.Fatalf("HEAD %s: %v %v", wantLogo, head, err)
	}
	for _, p := range []string{"/_gognito/ui/" + pool + "/ALL", "/_gognito/ui/" + pool + "/ALL/logo.png/x", "/_gognito/ui/" + pool + "/ALL/icon.png"} {
		if resp, _ := fetchLogo(t, ts.URL+p); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d", p, resp.StatusCode)
		}
	}
	// Leaving ClientId out is the pool's default too.
	if g := get(""); aws.ToString(g.ClientId) != "ALL" || aws.ToString(g.CSSVersion) != aws.ToString(all.CSSVersion) {
		t.Fatalf("get without ClientId: %+v", g)
	}
	// A client without settings gets the pool's.
	if g := get(web); aws.ToString(g.ClientId) != "ALL" || aws.ToString(g.CSS) != brandCSS || aws.ToString(g.ImageUrl) != wantLogo ||
		aws.ToString(g.CSSVersion) != aws.ToString(all.CSSVersion) || !g.CreationDate.Equal(*all.CreationDate) {
		t.Fatalf("client without settings: %+v", g)
	}

	// A client's own settings override ALL, with no fallback (no logo here).
	webCSS := ".submitButton-customizable { background-color: #7c3aed; }"
	own := must[*types.UICustomizationType](t)(set(web, webCSS, nil))
	if aws.ToString(own.ClientId) != web || aws.ToString(own.CSS) != webCSS || own.ImageUrl != nil {
		t.Fatalf("set client: %+v", own)
	}
	if g := get(web); aws.ToString(g.ClientId) != web || aws.ToString(g.CSS) != webCSS || g.ImageUrl != nil {
		t.Fatalf("client with settings: %+v", g)
	}
	if g := get(mobile); aws.ToString(g.ClientId) != "ALL" || aws.ToString(g.CSS) != brandCSS {
		t.Fatalf("another client: %+v", g)
	}
	// A client's logo lives at its own URL.
	jpg := logoJPEG(t)
	own2 := must[*types.UICustomizationType](t)(set(mobile, "", jpg))
	if aws.ToString(own2.ImageUrl) != ts.URL+"/_gognito/ui/"+pool+"/"+mobile+"/logo.jpg" || own2.CSS != nil {
		t.Fatalf("image only: %+v", own2)
	}
	if resp, body := fetchLogo(t, aws.ToString(own2.ImageUrl)); resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" || !bytes.Equal(body, jpg) {
		t.Fatalf("client logo: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}

	// Every set moves CSSVersion on, even within the same second; the
	// creation date stays; CSS and logo are set together, so the PNG goes.
	prev := all
	for range 3 {
		next := must[*types.UICustomizationType](t)(set("ALL", brandCSS, jpg))
		if aws.ToString(next.CSSVersion) <= aws.ToString(prev.CSSVersion) || !next.CreationDate.Equal(*all.CreationDate) ||
			next.LastModifiedDate.Before(*prev.LastModifiedDate) {
			t.Fatalf("after %s: version %s, created %v, modified %v", aws.ToString(prev.CSSVersion), aws.ToString(next.CSSVersion), next.CreationDate, next.LastModifiedDate)
		}
		prev = next
	}
	if aws.ToString(prev.ImageUrl) != ts.URL+"/_gognito/ui/"+pool+"/ALL/logo.jpg" {
		t.Fatalf("ImageUrl after a JPEG: %s", aws.ToString(prev.ImageUrl))
	}
	if resp, _ := fetchLogo(t, wantLogo); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("the replaced PNG is still served: %d", resp.StatusCode)
	}
	cssOnly := must[*types.UICustomizationType](t)(set("ALL", brandCSS, nil))
	if cssOnly.ImageUrl != nil {
		t.Fatalf("a set without ImageFile keeps the old logo: %+v", cssOnly)
	}

	// Removing a client's settings (neither CSS nor image) brings ALL back.
	removed := must[*types.UICustomizationType](t)(set(web, "", nil))
	if aws.ToString(removed.ClientId) != web || removed.CSS != nil || removed.CSSVersion != nil {
		t.Fatalf("removal answer: %+v", removed)
	}
	if g := get(web); aws.ToString(g.ClientId) != "ALL" || aws.ToString(g.CSS) != brandCSS {
		t.Fatalf("after removing the client's settings: %+v", g)
	}

	// Cognito's own template is accepted.
	must[*types.UICustomizationType](t)(set(web, cognitoTemplateCSS, nil))

	// CSS Cognito refuses.
	for _, tc := range []struct{ css, want string }{
		{`@import url("https://evil.example/x.css");`, "@import is not allowed"},
		{".label-customizable { color: red }\n@media (max-width: 600px) { .label-customizable { color: blue } }", "(line 2): @media is not allowed"},
		{"@supports (display: grid) { .label-customizable { color: red } }", "@supports is not allowed"},
		{"@page { margin: 0 }", "@page is not allowed"},
		{".header { color: red }", `the selector ".header" is not allowed`},
		{"body { background-color: red }", `the selector "body" is not allowed`},
		{".banner-customizable .logo-customizable { max-width: 10% }", "is not allowed"},
		{".label-customizable { background-color: red }", "the property background-color cannot be customised on .label-customizable"},
		{".logo-customizable { position: fixed }", "the property position cannot be customised"},
		{".background-customizable { background-color: url(data:image/png;base64,iVBORw0KGgo=) }", "url() is not allowed"},
		{".label-customizable { color: expression(alert(1)) }", "JavaScript is not allowed"},
		{".label-customizable { color: red }</style><script>alert(1)</script>", "HTML"},
		{".label-customizable { font-weight: 450 }", "a multiple of 100 from 100 to 900"},
		{".inputField-customizable { border: 200px solid #ccc }", "from 1px to 100px"},
		{".submitButton-customizable { width: 300px }", "a percentage"},
		{".textDescription-customizable { display: flex }", "block or inline"},
		{".label-customizable { color: red", "is not closed"},
	} {
		_, err := set("ALL", tc.css, nil)
		wantAPIError(t, err, "InvalidParameterException", tc.want)
	}

	// Images Cognito refuses.
	big := noisePNG(t, 180, 150)
	if len(big) <= 100<<10 || len(big) > 131072 {
		t.Fatalf("the over-size PNG is %d bytes", len(big))
	}
	for _, tc := range []struct {
		name string
		img  []byte
		want string
	}{
		{"GIF", []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"), "must be a PNG or JPEG image"},
		{"SVG", []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>`), "must be a PNG or JPEG image"},
		{"PNG magic, not a PNG", append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{7}, 64)...), "not a valid PNG"},
		{"JPEG magic, not a JPEG", append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, bytes.Repeat([]byte{7}, 64)...), "not a valid JPEG"},
		{"over 100 KB", big, "at most 100 KB"},
		{"over the model's limit", noisePNG(t, 200, 200), "131072"},
	} {
		_, err := set("ALL", "", tc.img)
		if err == nil {
			t.Fatalf("%s: accepted", tc.name)
		}
		wantAPIError(t, err, "InvalidParameterException", tc.want)
	}
	// A refused request changed nothing.
	if g := get(""); aws.ToString(g.CSSVersion) != aws.ToString(cssOnly.CSSVersion) {
		t.Fatalf("a refused request changed the settings: %+v", g)
	}

	// The logo endpoint serves only what is set.
	for _, p := range []string{"/_gognito/ui/" + pool + "/ALL/logo.png", "/_gognito/ui/" + pool + "/" + web + "/logo.png",
		"/_gognito/ui/us-east-1_nothere/ALL/logo.jpg", "/_gognito/ui/" + pool + "/" + mobile + "/logo.png"} {
		if resp, _ := fetchLogo(t, ts.URL+p); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d", p, resp.StatusCode)
		}
	}

	// The settings survive a restart.
	webBefore, mobileBefore := get(web), get(mobile)
	ts.stop()
	ts = startServer(t, dir)
	c = ts.client("us-east-1", false)
	for client, want := range map[string]*types.UICustomizationType{web: webBefore, mobile: mobileBefore} {
		g := must[*cognito.GetUICustomizationOutput](t)(c.GetUICustomization(ctx, &cognito.GetUICustomizationInput{UserPoolId: &pool, ClientId: &client})).UICustomization
		if aws.ToString(g.CSS) != aws.ToString(want.CSS) || aws.ToString(g.CSSVersion) != aws.ToString(want.CSSVersion) || !g.CreationDate.Equal(*want.CreationDate) {
			t.Fatalf("after a restart, %s: %+v", client, g)
		}
	}
	// ImageUrl follows the API listener's address (a new port here).
	g := must[*cognito.GetUICustomizationOutput](t)(c.GetUICustomization(ctx, &cognito.GetUICustomizationInput{UserPoolId: &pool, ClientId: &mobile})).UICustomization
	if !strings.HasPrefix(aws.ToString(g.ImageUrl), ts.URL+"/") {
		t.Fatalf("ImageUrl after a restart: %s", aws.ToString(g.ImageUrl))
	}
	if resp, body := fetchLogo(t, aws.ToString(g.ImageUrl)); resp.StatusCode != 200 || !bytes.Equal(body, jpg) {
		t.Fatalf("logo after a restart: %d", resp.StatusCode)
	}
}

// TestUICustomizationOnPages: the sign-in page of a client shows its
// customisation: the sanitised CSS in a <style> element, the logo, and
// Cognito's class names on its elements, and lets the logo load (CSP).
func TestUICustomizationOnPages(t *testing.T) {
	f := newOAuthFixture(t)
	ctx := context.Background()
	jar, _ := cookiejar.New(nil)
	hc := hostClient(f.ts, f.roots, jar)
	id := *f.client.ClientId
	loginURL := f.base + "/login?" + url.Values{"client_id": {id}, "response_type": {"code"}, "redirect_uri": {callback}}.Encode()
	page := func() (*http.Response, string) {
		t.Helper()
		resp, err := hc.Get(loginURL)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("sign-in page: %d %s", resp.StatusCode, b)
		}
		return resp, string(b)
	}
	_, plain := page()
	if !strings.Contains(plain, "background-customizable") {
		// The hosted pages do not apply the customisation yet
		// (hostedui.Options.Customization is not wired).
		t.Log("the sign-in page has no Cognito class names yet: the page checks wait for hostedui to apply the customisation")
		return
	}
	if strings.Contains(plain, `id="ui-customization"`) || strings.Contains(plain, "logo-customizable\" src") {
		t.Fatalf("a page without settings shows a customisation:\n%s", plain)
	}
	all := must[*cognito.SetUICustomizationOutput](t)(f.c.SetUICustomization(ctx, &cognito.SetUICustomizationInput{UserPoolId: &f.poolID, ClientId: aws.String("ALL"),
		CSS: aws.String(brandCSS + "\n/* </style><script>alert(1)</script> stays a comment */"), ImageFile: logoPNG(t)})).UICustomization
	resp, html := page()
	for _, want := range []string{
		`.submitButton-customizable{font-size:16px;font-weight:bold;margin:20px 0px 10px 0px;height:44px;width:100%;color:#ffffff;background-color:#0b6e4f;}`,
		`.label-customizable{font-weight:700;color:#0b3d2e;}`,
		`class="logo-customizable"`, `src="` + strings.TrimPrefix(aws.ToString(all.ImageUrl), f.ts.URL) + `"`, // on the page's origin
		`background-customizable`, `banner-customizable`, `label-customizable`, `inputField-customizable`, `submitButton-customizable`,
		`textDescription-customizable`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the customised page lacks %s", want)
		}
	}
	if strings.Contains(html, "<script>") || strings.Contains(html, "gognito test brand") {
		t.Errorf("the page carries the CSS as given, not sanitised:\n%s", html)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self'") {
		t.Errorf("the CSP does not let the logo load: %s", csp)
	}
	if resp, err := hc.Get(f.base + strings.TrimPrefix(aws.ToString(all.ImageUrl), f.ts.URL)); err != nil {
		t.Fatal(err)
	} else if body, _ := io.ReadAll(resp.Body); resp.StatusCode != 200 || !bytes.Equal(body, logoPNG(t)) {
		t.Errorf("the prefix domain does not serve the logo: %d", resp.StatusCode)
	}
	// The client's own settings win over ALL's, logo included.
	must[*cognito.SetUICustomizationOutput](t)(f.c.SetUICustomization(ctx, &cognito.SetUICustomizationInput{UserPoolId: &f.poolID, ClientId: &id,
		CSS: aws.String(".submitButton-customizable { background-color: #7c3aed; }")}))
	_, html = page()
	if !strings.Contains(html, ".submitButton-customizable{background-color:#7c3aed;}") || strings.Contains(html, "#0b6e4f") || strings.Contains(html, "logo-customizable\" src") {
		t.Errorf("the client's own settings are not what the page shows:\n%s", html)
	}
	// A wrong password: the error carries errorMessage-customizable.
	m := csrfRE.FindStringSubmatch(html)
	if m == nil {
		t.Fatal("no CSRF token on the page")
	}
	resp, err := hc.PostForm(loginURL, url.Values{"_csrf": {m[1]}, "username": {"olga"}, "password": {"Wrong-Passw0rd"}})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !regexp.MustCompile(`class="[^"]*errorMessage-customizable[^"]*"[^>]*>Incorrect username or password.`).Match(b) {
		t.Errorf("the error message has no errorMessage-customizable:\n%s", b)
	}
}

// TestUICustomizationLogoOnCustomDomain: on an HTTPS custom domain the
// sign-in page loads its logo from the domain itself, over HTTPS (no mixed
// content), and its CSP lets it load from there only; the domain serves
// its own pool's logos and no other's. ImageUrl stays on the API listener.
func TestUICustomizationLogoOnCustomDomain(t *testing.T) {
	f := newOAuthFixture(t)
	ctx := context.Background()
	ca := certtest.NewCA(t)
	arn := importCert(t, f.ts.acmClient("us-east-1"), ca, []string{"login.example.test"}, time.Now().Add(-time.Hour), time.Now().Add(48*time.Hour))
	must[*cognito.CreateUserPoolDomainOutput](t)(f.c.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String("login.example.test"),
		UserPoolId: &f.poolID, CustomDomainConfig: &types.CustomDomainConfigType{CertificateArn: &arn}}))
	waitFor(t, 10*time.Second, "the custom domain to be ACTIVE", func() (bool, error) {
		return describeDomain(t, f.c, "login.example.test").Status == types.DomainStatusTypeActive, nil
	})
	logo := logoPNG(t)
	all := must[*cognito.SetUICustomizationOutput](t)(f.c.SetUICustomization(ctx, &cognito.SetUICustomizationInput{UserPoolId: &f.poolID, ClientId: aws.String("ALL"),
		CSS: aws.String(brandCSS), ImageFile: logo})).UICustomization
	if !strings.HasPrefix(aws.ToString(all.ImageUrl), f.ts.URL+"/_gognito/ui/") {
		t.Fatalf("ImageUrl %s, want it on the API listener", aws.ToString(all.ImageUrl))
	}

	hc := h2Client(f.ts.EdgeAddr, ca.Pool())
	pageURL, _ := url.Parse("https://login.example.test/login?" + url.Values{"client_id": {*f.client.ClientId}, "response_type": {"code"}, "redirect_uri": {callback}}.Encode())
	resp, err := hc.Get(pageURL.String())
	if err != nil {
		t.Fatal(err)
	}
	html, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`<img class="logo-customizable" src="([^"]+)"`).FindSubmatch(html)
	if resp.StatusCode != 200 || m == nil {
		t.Fatalf("sign-in page on the custom domain: %d, logo %q\n%s", resp.StatusCode, m, html)
	}
	src, err := url.Parse(string(m[1]))
	if err != nil {
		t.Fatal(err)
	}
	logoURL := pageURL.ResolveReference(src)
	if logoURL.Scheme != "https" || logoURL.Host != "login.example.test" {
		t.Fatalf("the HTTPS page loads its logo from %s", logoURL)
	}
	csp := resp.Header.Get("Content-Security-Policy")
	if !slices.Contains(strings.Split(csp, "; "), "img-src 'self'") {
		t.Fatalf("the page's CSP does not let the logo load from the domain alone: %s", csp)
	}
	resp, err = hc.Get(logoURL.String())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || !bytes.Equal(body, logo) {
		t.Fatalf("the logo over the custom domain: %d %s, %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), len(body))
	}

	// Another pool's logo is served by its own domains and the API, not here.
	other := must[*cognito.CreateUserPoolOutput](t)(f.c.CreateUserPool(ctx, &cognito.CreateUserPoolInput{PoolName: aws.String("other")})).UserPool
	must[*cognito.CreateUserPoolDomainOutput](t)(f.c.CreateUserPoolDomain(ctx, &cognito.CreateUserPoolDomainInput{Domain: aws.String("other-app"), UserPoolId: other.Id}))
	theirs := must[*cognito.SetUICustomizationOutput](t)(f.c.SetUICustomization(ctx, &cognito.SetUICustomizationInput{UserPoolId: other.Id,
		ImageFile: logoJPEG(t)})).UICustomization
	if resp, _ := fetchLogo(t, aws.ToString(theirs.ImageUrl)); resp.StatusCode != 200 {
		t.Fatalf("the other pool's logo on the API listener: %d", resp.StatusCode)
	}
	resp, err = hc.Get("https://login.example.test" + strings.TrimPrefix(aws.ToString(theirs.ImageUrl), f.ts.URL))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("a domain serves another pool's logo: %d", resp.StatusCode)
	}
}
