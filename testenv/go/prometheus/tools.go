//go:build tools

// Package tools pins promtool, built by testenv/build-binaries.sh to check and unit-test the
// chart's alert rules, so that `go mod tidy` keeps its dependencies in go.mod and go.sum.
package tools

import (
	_ "github.com/prometheus/prometheus/cmd/promtool"
)
