// Command corpus writes generated MCP traffic (bench.WriteTraffic) into a directory tree, to
// try `oktsec scan DIR` on realistic data:
//
//	go run ./bench/cmd/corpus -n 1000 -seed 1 -o /tmp/traffic && oktsec scan --format jsonl /tmp/traffic
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/oktsec/oktsec/bench"
)

func main() {
	n := flag.Int("n", 200, "number of messages")
	seed := flag.Uint64("seed", 1, "generator seed: the same seed writes the same files")
	out := flag.String("o", "", "directory to write (created if missing)")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: corpus -o DIR [-n COUNT] [-seed N]")
		os.Exit(2)
	}
	files, err := bench.WriteTraffic(*out, *seed, *n)
	if err != nil {
		fmt.Fprintln(os.Stderr, "corpus:", err)
		os.Exit(1)
	}
	total := 0
	for _, f := range files {
		total += f.Size
		if f.Attack != "" {
			fmt.Printf("%s: planted %s\n", f.Path, f.Attack)
		}
	}
	fmt.Printf("wrote %d messages, %d bytes, into %s\n", len(files), total, *out)
}
