//go:build tools

// Package tools pins golang-migrate's CLI with its postgres driver, built by testenv's
// GolangMigrate for the failure-cause tests, so that `go mod tidy` keeps its dependencies.
package tools

import (
	_ "github.com/golang-migrate/migrate/v4/cmd/migrate"
	_ "github.com/golang-migrate/migrate/v4/database/postgres"
	_ "github.com/golang-migrate/migrate/v4/source/file"
)
