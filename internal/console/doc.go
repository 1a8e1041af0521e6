// Package console serves the operator's pages of a gognito server, on the
// API listener under /_gognito/: today the outbox (GET /_gognito/outbox, the
// messages gognito delivered, as JSON or an HTML page), served to loopback
// peers only unless the server is told otherwise (--outbox-public). It is
// the home of the future admin console. It is a transport package: it reads
// the store's narrow interfaces and owns no stored document.
package console
