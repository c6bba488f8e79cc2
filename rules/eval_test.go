package rules_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/oktsec/oktsec/engine"
	"github.com/oktsec/oktsec/frame"
	"github.com/oktsec/oktsec/ir"
	"github.com/oktsec/oktsec/policy"
	"github.com/oktsec/oktsec/rules"
)

// Evaluation floors on testdata/eval: attack strings and benign near-misses written without
// looking at the rules. An attack is detected when the verdict is flag or stricter; a benign
// line is a false positive when the verdict is quarantine or block.
const (
	minRecall       = 0.80
	maxBenignBlocks = 0.05
)

type evalCase struct {
	category, text string
	line           int
}

func readEval(t *testing.T, path string) []evalCase {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer f.Close()
	var out []evalCase
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cat, text, ok := strings.Cut(line, "\t")
		if !ok {
			t.Fatalf("%s:%d: no tab between category and text", path, n)
		}
		s, err := strconv.Unquote(`"` + text + `"`)
		if err != nil {
			t.Fatalf("%s:%d: %v", path, n, err)
		}
		out = append(out, evalCase{category: cat, text: s, line: n})
	}
	return out
}

// TestEvalCorpus measures recall on attacks and false positives on near-misses, per category.
func TestEvalCorpus(t *testing.T) {
	attacks := readEval(t, "testdata/eval/attacks.txt")
	benign := readEval(t, "testdata/eval/benign.txt")
	set, err := rules.Load(context.Background(), rules.Spec{}, rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := engine.NewScanner(set.DB())
	type tally struct{ n, hit int }
	byCat := map[string]*tally{}
	detected := 0
	for _, c := range attacks {
		res := scanText(t, s, c.text)
		tl := byCat[c.category]
		if tl == nil {
			tl = &tally{}
			byCat[c.category] = tl
		}
		tl.n++
		if policy.Decide(res.Findings).Decision.Rank() >= policy.Flag.Rank() {
			detected++
			tl.hit++
		} else {
			t.Logf("missed attacks.txt:%d [%s] %q", c.line, c.category, c.text)
		}
	}
	blocked, flagged := 0, 0
	for _, c := range benign {
		res := scanText(t, s, c.text)
		max, _ := res.Max()
		switch {
		case policy.Decide(res.Findings).Decision.Rank() >= policy.Quarantine.Rank():
			blocked++
			var ids []string
			for _, f := range res.Findings {
				if f.Severity >= ir.High {
					ids = append(ids, f.Rule)
				}
			}
			t.Logf("false positive benign.txt:%d [%s] %s %v %q", c.line, c.category, max, ids, c.text)
		case policy.Decide(res.Findings).Decision == policy.Flag:
			flagged++
		}
	}
	var cats []string
	for c := range byCat {
		cats = append(cats, c)
	}
	sort.Strings(cats)
	var b strings.Builder
	for _, c := range cats {
		fmt.Fprintf(&b, " %s %d/%d", c, byCat[c].hit, byCat[c].n)
	}
	recall := float64(detected) / float64(len(attacks))
	fpRate := float64(blocked) / float64(len(benign))
	t.Logf("recall %.1f%% (%d/%d):%s", 100*recall, detected, len(attacks), b.String())
	t.Logf("benign: %d of %d quarantined or blocked (%.1f%%), %d flagged", blocked, len(benign), 100*fpRate, flagged)
	if recall < minRecall {
		t.Errorf("recall %.2f below %.2f", recall, minRecall)
	}
	if fpRate > maxBenignBlocks {
		t.Errorf("%.2f of benign near-misses quarantined or blocked, above %.2f", fpRate, maxBenignBlocks)
	}
}

// scanText scans an example as oktsec scan scans a file.
func scanText(t *testing.T, s *engine.Scanner, text string) *engine.Result {
	t.Helper()
	res, err := frame.Scan(context.Background(), s, frame.Spec{}, []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return res
}
