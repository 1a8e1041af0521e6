// Package api is the AWS JSON 1.1 protocol front door: POST / with an
// X-Amz-Target header naming "<TargetPrefix>.<Operation>". It owns routing by
// target, body limits, decoding, validation against the generated shape
// tables, the AWS error shape, request ids, CORS, logging and metrics. It
// knows nothing of Cognito's rules: each service registers typed handlers for
// the operations of its generated operation table, and every operation of the
// table answers, the ones without a handler with a well-formed error that
// names them.
//
// It also renders docs/compatibility.md from those tables
// (CompatibilityMarkdown; the closing prose is compatibility_choices.md), so
// the document lists every operation of every model with its state.
package api
