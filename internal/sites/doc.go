// Package sites routes HTTP requests by Host to user pool domains: on the
// plain API listener a request for a prefix domain goes to the domain
// instead of the API, and on the HTTPS edge every request goes to the domain
// its Host names (421 Misdirected Request for a host not served here). A
// domain's request is rate limited per domain and client, gets HSTS over
// HTTPS, and is handed to the hosted pages (hostedui.ServeSite), the classic
// hosted UI's images, or else the domain's own page that names its pool.
//
// It is a transport: it looks sites up in the index the serving package
// fills (the TLS edge), and reads nothing from the store, so a page of a
// domain costs no store read to route (the managed login version comes with
// the site).
package sites
