module github.com/oktsec/oktsec

go 1.26.8

require (
	github.com/alecthomas/participle/v2 v2.1.4
	github.com/cloudflare/ahocorasick v0.0.0-20240916140611-054963ec9396
	github.com/cockroachdb/datadriven v1.0.3
	github.com/spf13/cobra v1.10.2
	golang.org/x/text v0.44.0
)

require (
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	github.com/pmezard/go-difflib v1.0.0 // indirect
	github.com/spf13/pflag v1.0.9 // indirect
)
