# gognito: the two commands a new machine needs are `make run` and `make test`.
GO ?= go

.PHONY: help run build test fuzz bench timing bench-compare docs generate verify clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

run: ## run the server on the embedded default (SQLite in ./data)
	$(GO) run ./cmd/gognito serve

build: ## build bin/gognito
	$(GO) build -o bin/gognito ./cmd/gognito

test: ## run every test (what CI runs) and print how many ran
	./scripts/test.sh

fuzz: ## a long run of every fuzz target (FUZZTIME per target, default 10m; FUZZ=regexp picks targets); see docs/security.md
	FUZZTIME=$${FUZZTIME:-10m} ./scripts/fuzz.sh

bench: ## the benchmarks (edge, users at 1,000 and 100,000, SRP, SQLite vs PostgreSQL with 1 and 2 nodes); figures go to docs/benchmarks.md
	$(GO) test -run '^$$' -bench . -benchmem -count 3 ./internal/edge
	$(GO) test -run '^$$' -bench BenchmarkUsers -benchtime 2s ./internal/app
	$(GO) test -run '^$$' -bench . ./internal/srp
	./scripts/postgres-test.sh $(GO) test -run '^$$' -bench BenchmarkBackends -benchtime 2s ./internal/app

timing: ## the wrong-password timing of existing and missing users (medians of 200 tries each; see docs/security.md)
	$(GO) test -tags timing -count=1 -run TestWrongPasswordTiming -v ./internal/app

bench-compare: ## gognito vs moto_server and cognito-local over the wire (under 20 min); rewrites its section of docs/benchmarks.md
	./scripts/bench-compare.sh

docs: ## regenerate docs/compatibility.md from the operation tables
	GOGNITO_UPDATE_DOCS=1 $(GO) test -count=1 -run TestCompatibilityDocIsCurrent ./internal/app

generate: ## regenerate wire types and the error table from internal/wire/models
	$(GO) generate ./internal/wire/... ./internal/awserr

verify: generate docs ## regenerate everything and fail on a diff; check the layers and the error table
	$(GO) test -count=1 ./internal/archtest ./internal/awserr
	git diff --exit-code

clean: ## remove build output
	rm -rf bin
