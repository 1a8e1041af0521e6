// Package uicustom implements the hosted UI (classic) branding of Cognito:
// SetUICustomization and GetUICustomization, the checks Cognito applies to
// the CSS and the logo, the logo images (Logo; package hostedui serves
// them), and the sanitised CSS the hosted pages embed (CSSFor). It never
// imports net/http.
//
// Settings are kept per pool and per app client ("ALL" is the pool's
// default) in the store's key-value space, under ui/<poolId>/<clientId|ALL>.
// A client with settings of its own never falls back to ALL; setting neither
// CSS nor an image removes a client's (or the default's) settings, which is
// how tools such as Terraform delete them.
//
// The CSS accepted is Cognito's: only its class names, one per selector;
// only the properties it documents for each class (and those of the CSS
// template it hands out), with values of the documented kinds; no at-rules
// (@import, @supports, @page, @media), no url(), no JavaScript, no HTML. What
// CSSFor returns is re-serialised from the parsed rules, so it can be put in
// a <style> element as it is.
package uicustom
