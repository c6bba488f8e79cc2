package rules_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/oktsec/oktsec/engine"
	"github.com/oktsec/oktsec/frame"
	"github.com/oktsec/oktsec/ir"
	"github.com/oktsec/oktsec/rules"
)

// maxHighPer10MB is the false-positive budget on benign text: findings at severity high or
// above, per 10 MB scanned.
const maxHighPer10MB = 1.0

// maxBenignFile skips files larger than this (generated tables, not prose or code).
const maxBenignFile = 4 << 20

// benignFiles lists the benign corpus: Go's documentation and its non-test source (test files
// and testdata hold attack strings and keys on purpose), and Debian's /usr/share/doc.
func benignFiles(t *testing.T) []string {
	t.Helper()
	var files []string
	add := func(root string, keep func(path string) bool) {
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil // unreadable parts of the tree are skipped
			}
			if d.IsDir() && (d.Name() == "testdata" || d.Name() == "vendor") {
				return filepath.SkipDir
			}
			if d.Type().IsRegular() && keep(p) {
				files = append(files, p)
			}
			return nil
		})
	}
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatalf("go env GOROOT: %v", err)
	}
	goroot := strings.TrimSpace(string(out))
	add(filepath.Join(goroot, "doc"), func(string) bool { return true })
	add(filepath.Join(goroot, "src"), func(p string) bool {
		return strings.HasSuffix(p, ".go") && !strings.HasSuffix(p, "_test.go")
	})
	add("/usr/share/doc", func(string) bool { return true })
	sort.Strings(files)
	return files
}

func readBenign(p string) ([]byte, error) {
	data, err := os.ReadFile(p)
	if err != nil || !strings.HasSuffix(p, ".gz") {
		return data, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(io.LimitReader(zr, maxBenignFile+1))
}

// TestBenignCorpus scans the benign corpus and holds the rule set to its false-positive
// budget. Every high or critical finding is listed, so a new one can be judged: a real secret
// or attack in the corpus, or a rule to fix.
func TestBenignCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("scans the Go tree and /usr/share/doc")
	}
	set, err := rules.Load(context.Background(), rules.Spec{}, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	scanner := engine.NewScanner(set.DB())
	var scanned int64
	var high []string
	perRule := map[string]int{}
	for _, p := range benignFiles(t) {
		data, err := readBenign(p)
		if err != nil || len(data) > maxBenignFile {
			continue
		}
		scanned += int64(len(data))
		res, err := frame.Scan(context.Background(), scanner, frame.Spec{}, data)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range res.Findings {
			if f.Severity >= ir.High {
				perRule[f.Rule]++
				high = append(high, fmt.Sprintf("%s %s:%d %q", f.Rule, p, f.Start, f.Excerpt))
			}
		}
	}
	if scanned < 50<<20 {
		t.Fatalf("benign corpus is only %d bytes; expected the Go tree and /usr/share/doc", scanned)
	}
	rate := float64(len(high)) / (float64(scanned) / 10e6)
	t.Logf("benign corpus: %.1f MB scanned, %d findings at high or above, %.3f per 10 MB", float64(scanned)/1e6, len(high), rate)
	for _, h := range high {
		t.Log(h)
	}
	if rate >= maxHighPer10MB {
		t.Errorf("%.2f high findings per 10 MB of benign text (budget %.1f); by rule: %v", rate, maxHighPer10MB, perRule)
	}
}
