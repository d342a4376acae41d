# The two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)
ADDR ?= 127.0.0.1:3000
DATA ?= ./data

.PHONY: run test setup build-release lint

## Install what is missing, build in release mode, serve on http://$(ADDR) with data in $(DATA).
run:
	scripts/setup.sh --release
	scripts/build-release.sh
	target/release/bulkhead serve --addr $(ADDR) --data $(DATA) --site target/site

## Install what is missing and run every test, the browser tests included.
test:
	scripts/setup.sh
	scripts/test.sh

lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
