package bench

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The corpus is deterministic by seed: the same bytes on every machine and Go version, so
// figures from different runs compare. If a generator change is intended, update the digest
// (and say so in the commit: benchmark figures before and after it do not compare).
func TestCorpusGolden(t *testing.T) {
	h := sha256.New()
	g := NewGenerator(1)
	for _, b := range [][]byte{g.Prose(2000), g.Code(2000), g.Log(2000), g.Base64Blob(500), g.JSONTraffic(4000), g.Message(1024),
		g.Python(1000), g.HTML(3000), g.Markdown(3000), g.JSONPayload(2000), g.Shell(500), g.MCPTraffic(50000), g.MCPMessage(4096)} {
		h.Write(b)
	}
	tr := NewTraffic(7)
	for i := 0; i < 300; i++ {
		h.Write(tr.Next().Data)
	}
	const want = "008e0c58cd5ac31653382ffcfdc9868dbcafeaa3cba85bb91b03ebf477a39502"
	if got := hex.EncodeToString(h.Sum(nil)); got != want {
		t.Errorf("corpus digest = %s, want %s (the generator changed: figures across the change do not compare)", got, want)
	}
}

func TestCorpusDeterministic(t *testing.T) {
	a, b := NewTraffic(3), NewTraffic(3)
	for i := 0; i < 200; i++ {
		if x, y := a.Next(), b.Next(); !bytes.Equal(x.Data, y.Data) || x.Kind != y.Kind || x.Attack != y.Attack {
			t.Fatalf("message %d differs between two generators with the same seed", i)
		}
	}
	if bytes.Equal(NewGenerator(1).MCPTraffic(10000), NewGenerator(2).MCPTraffic(10000)) {
		t.Error("different seeds gave the same traffic")
	}
}

func TestCorpusSizes(t *testing.T) {
	g := NewGenerator(5)
	for _, n := range []int{100, 1000, 4096, 65536} {
		for name, b := range map[string][]byte{"Prose": g.Prose(n), "Code": g.Code(n), "Log": g.Log(n), "Base64Blob": g.Base64Blob(n),
			"Python": g.Python(n), "HTML": g.HTML(n), "Markdown": g.Markdown(n), "Shell": g.Shell(n)} {
			if len(b) != n {
				t.Errorf("%s(%d) returned %d bytes", name, n, len(b))
			}
		}
		if b := g.JSONPayload(n); len(b) < n || !json.Valid(b) {
			t.Errorf("JSONPayload(%d): %d bytes, valid %v", n, len(b), json.Valid(b))
		}
	}
	if b := g.Message(1024); len(b) > 1024 || len(b) < 1016 {
		t.Errorf("Message(1024) is %d bytes", len(b))
	}
	for _, n := range []int{256, 1024, 4096, 65536, 1 << 20} {
		tr := NewTraffic(uint64(n))
		for i := 0; i < 20; i++ {
			s := tr.Sized(n)
			if d := len(s.Data) - n; (d > 8 || d < -n/50-8) && s.Kind != "call/read_file" {
				t.Errorf("Sized(%d) gave %d bytes (%s, attack %q)", n, len(s.Data), s.Kind, s.Attack)
			}
		}
	}
}

// Every message is valid JSON-RPC 2.0 of the kind it claims, every kind occurs, and about 1%
// carry an attack. (Sizes are capped at 64 KiB here to keep the test quick; TestTrafficSizes
// checks the full range.)
func TestTrafficShape(t *testing.T) {
	tr := NewTraffic(11)
	tr.MaxSize = 64 << 10
	const n = 3000
	attacks := 0
	kinds := map[string]int{}
	for i := 0; i < n; i++ {
		s := tr.Next()
		var m struct {
			JSONRPC string          `json:"jsonrpc"`
			ID      int             `json:"id"`
			Method  string          `json:"method"`
			Result  json.RawMessage `json:"result"`
		}
		if err := json.Unmarshal(s.Data, &m); err != nil {
			t.Fatalf("message %d (%s) is not JSON: %v", i, s.Kind, err)
		}
		isCall := strings.HasPrefix(s.Kind, "call/")
		if m.JSONRPC != "2.0" || m.ID != s.ID || isCall != (m.Method == "tools/call") || !isCall && m.Result == nil {
			t.Fatalf("message %d (%s) is not the JSON-RPC message it claims: %.200s", i, s.Kind, s.Data)
		}
		if s.Attack != "" {
			attacks++
		}
		kinds[s.Kind]++
	}
	if attacks < n/200 || attacks > n*2/100 {
		t.Errorf("%d of %d messages carry an attack, want about 1%%", attacks, n)
	}
	if len(kinds) != len(kindList()) {
		t.Errorf("saw %d kinds of message, want all %d: %v", len(kinds), len(kindList()), kinds)
	}
}

// Sizes span 200 B to 1 MiB, skewed small.
func TestTrafficSizes(t *testing.T) {
	tr := NewTraffic(12)
	const n = 300
	small, large := 0, 0
	for i := 0; i < n; i++ {
		s := tr.Next()
		if len(s.Data) < 2<<10 {
			small++
		}
		if len(s.Data) > 200<<10 {
			large++
		}
		if len(s.Data) > MaxMessageSize+8 {
			t.Errorf("message %d is %d bytes, over MaxMessageSize", i, len(s.Data))
		}
	}
	if small < n/3 || large < n/30 || large > n/5 {
		t.Errorf("%d of %d messages under 2 KiB (want about half), %d over 200 KiB (want about a tenth)", small, n, large)
	}
}

func kindList() []string {
	var out []string
	for _, k := range kinds {
		out = append(out, k.name)
	}
	return out
}

// Every planted attack is found by the engine with the rules of its category, in every kind of
// message it is planted in: the corpus's attacks are real ones, not noise.
func TestTrafficAttacksDetected(t *testing.T) {
	s := engineUnderTest(t)
	for _, a := range Attacks {
		tr := NewTraffic(13)
		tr.AttackRate = 1
		seen := map[string]bool{}
		for i := 0; len(seen) < len(a.Kinds) && i < 2000; i++ {
			m := tr.Sized(3000)
			if m.Attack != a.Name || seen[m.Kind] {
				continue
			}
			seen[m.Kind] = true
			res := scanAll(s, m.Data)
			found := false
			for _, f := range res.Findings {
				found = found || f.Category == a.Category
			}
			if !found {
				t.Errorf("attack %s in a %s message: no %s finding (findings: %+v)", a.Name, m.Kind, a.Category, res.Findings)
			}
		}
		if len(seen) != len(a.Kinds) {
			t.Errorf("attack %s: planted in %d of its %d kinds", a.Name, len(seen), len(a.Kinds))
		}
	}
}

func TestWriteTraffic(t *testing.T) {
	dir := t.TempDir()
	files, err := WriteTraffic(dir, 1, 120)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 120 {
		t.Fatalf("wrote %d files", len(files))
	}
	again, err := WriteTraffic(t.TempDir(), 1, 120)
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range files {
		data, err := os.ReadFile(filepath.Join(dir, f.Path))
		if err != nil {
			t.Fatal(err)
		}
		if len(data) != f.Size || !json.Valid(data) || again[i] != f {
			t.Fatalf("%s: %d bytes, want %d; valid %v; same as second write %v", f.Path, len(data), f.Size, json.Valid(data), again[i] == f)
		}
	}
	subdirs, _ := os.ReadDir(dir)
	if len(subdirs) != 3 {
		t.Errorf("%d subdirectories, want 3 (50 files each)", len(subdirs))
	}
}
