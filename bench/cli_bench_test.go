package bench

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// End-to-end suite: the oktsec binary, built once per process, run as a user would run it.
const (
	cliDirFiles = 200
	cliDirSeed  = 2026
)

var (
	cliOnce sync.Once
	cliBin  string
	cliErr  error
)

// oktsecBinary builds cmd/oktsec into a temporary directory once.
func oktsecBinary(tb testing.TB) string {
	cliOnce.Do(func() {
		goTool, err := exec.LookPath("go")
		if err != nil {
			cliErr = err
			return
		}
		bin := filepath.Join(tempDir(tb, "bin"), "oktsec")
		out, err := exec.Command(goTool, "build", "-o", bin, "github.com/oktsec/oktsec/cmd/oktsec").CombinedOutput()
		if err != nil {
			cliErr = errors.New("go build: " + err.Error() + "\n" + string(out))
			return
		}
		cliBin = bin
	})
	if cliErr != nil {
		tb.Fatal(cliErr)
	}
	return cliBin
}

// runScan runs `oktsec scan --format jsonl path` and returns how many inputs it reported with
// findings. Exit status 1 (findings) is expected; anything else fails.
func runScan(tb testing.TB, bin, path string) (files, flagged int) {
	cmd := exec.Command(bin, "scan", "--format", "jsonl", path)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 {
			tb.Fatalf("oktsec scan %s: %v", path, err)
		}
	}
	sc := bufio.NewScanner(&out)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var r struct {
			Findings []json.RawMessage `json:"findings"`
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			tb.Fatalf("oktsec scan output: %v: %q", err, sc.Text())
		}
		files++
		if len(r.Findings) > 0 {
			flagged++
		}
	}
	return files, flagged
}

// BenchmarkScanCLI runs `oktsec scan --format jsonl` end to end: process start, rule compile,
// directory walk, scan and output. input=dir scans cliDirFiles generated MCP messages (about 1%
// with attacks); input=file scans one 1 KiB message, which is mostly start-up cost.
func BenchmarkScanCLI(b *testing.B) {
	bin := oktsecBinary(b)
	dir := filepath.Join(tempDir(b, "traffic"), "dir")
	files, err := WriteTraffic(dir, cliDirSeed, cliDirFiles)
	if err != nil {
		b.Fatal(err)
	}
	total, planted := 0, 0
	for _, f := range files {
		total += f.Size
		if f.Attack != "" {
			planted++
		}
	}
	b.Run("input=dir", func(b *testing.B) {
		b.SetBytes(int64(total))
		var n, flagged int
		for b.Loop() {
			n, flagged = runScan(b, bin, dir)
		}
		if n != len(files) {
			b.Fatalf("oktsec scan reported %d files, want %d", n, len(files))
		}
		b.ReportMetric(float64(n), "files")
		b.ReportMetric(float64(flagged), "flagged-files")
		b.ReportMetric(float64(planted), "planted-attacks")
		reportInput(b, total)
	})
	one := filepath.Join(tempDir(b, "traffic"), "message-1KiB.json")
	msg := NewGenerator(cliDirSeed).Message(1 << 10)
	if err := os.WriteFile(one, msg, 0o644); err != nil {
		b.Fatal(err)
	}
	b.Run("input=file-1KiB", func(b *testing.B) {
		measure(b, len(msg), func() { runScan(b, bin, one) })
	})
}
