// Command report turns `go test -bench` output of the bench/ suites into bench/out/report.md
// and a chart, bench/out/throughput.png. `make bench` runs it.
//
//	go run ./bench/cmd/report -in bench/out/bench.txt -floors bench/floors.json -out bench/out
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/oktsec/oktsec/bench"
)

func main() {
	in := flag.String("in", "bench/out/bench.txt", "go test -bench output to read")
	out := flag.String("out", "bench/out", "directory to write report.md and throughput.png into")
	floorsPath := flag.String("floors", "bench/floors.json", "floors file of the CI gate")
	load := flag.String("load", "", "load average when the benchmarks started, for the header")
	flag.Parse()
	if err := run(*in, *out, *floorsPath, *load); err != nil {
		fmt.Fprintln(os.Stderr, "report:", err)
		os.Exit(1)
	}
}

func run(in, out, floorsPath, load string) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	res, err := Parse(f)
	if err != nil {
		return err
	}
	if len(res.Results) == 0 {
		return fmt.Errorf("%s: no benchmark results", in)
	}
	floors, err := bench.ReadFloors(floorsPath)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	var png bytes.Buffer
	if err := WriteChart(&png, res, floors); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "throughput.png"), png.Bytes(), 0o644); err != nil {
		return err
	}
	meta := Meta{
		Date:      time.Now().UTC().Format("2006-01-02 15:04 UTC"),
		GoVersion: runtime.Version(),
		Commit:    commit(),
		Input:     filepath.ToSlash(in),
	}
	if load != "" {
		meta.Load = ", load average at start " + load
	}
	var md bytes.Buffer
	WriteReport(&md, res, floors, meta, "throughput.png")
	path := filepath.Join(out, "report.md")
	if err := os.WriteFile(path, md.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Printf("wrote %s and %s\n", path, filepath.Join(out, "throughput.png"))
	return nil
}

func commit() string {
	b, err := exec.Command("git", "describe", "--tags", "--always", "--dirty").Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(b))
}
