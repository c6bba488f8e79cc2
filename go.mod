module github.com/oktsec/oktsec

go 1.26.8

require (
	github.com/alecthomas/participle/v2 v2.1.4
	github.com/cloudflare/ahocorasick v0.0.0-20240916140611-054963ec9396
	github.com/cockroachdb/datadriven v1.0.3
	github.com/flier/gohs v1.2.3
	github.com/spf13/cobra v1.10.2
	golang.org/x/text v0.44.0
	gonum.org/v1/plot v0.17.0
)

require (
	codeberg.org/go-fonts/liberation v0.5.0 // indirect
	codeberg.org/go-latex/latex v0.2.0 // indirect
	codeberg.org/go-pdf/fpdf v0.11.1 // indirect
	git.sr.ht/~sbinet/gg v0.7.0 // indirect
	github.com/ajstarks/svgo v0.0.0-20211024235047-1546f124cd8b // indirect
	github.com/golang/freetype v0.0.0-20170609003504-e2365dfdc4a0 // indirect
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	github.com/pmezard/go-difflib v1.0.0 // indirect
	github.com/spf13/pflag v1.0.9 // indirect
	golang.org/x/image v0.30.0 // indirect
)
