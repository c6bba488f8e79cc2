package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/oktsec/oktsec/engine"
	"github.com/oktsec/oktsec/frame"
	"github.com/oktsec/oktsec/ir"
	"github.com/oktsec/oktsec/policy"
	"github.com/oktsec/oktsec/rules"
	"github.com/spf13/cobra"
)

// scanOptions are the flags of `oktsec scan`.
type scanOptions struct {
	format   string
	failOn   string
	rulesDir string
	bundle   string
	chunk    int
	as       string
	method   string
}

// fileResult is the scan of one input.
type fileResult struct {
	Path   string
	Result *engine.Result
	// Verdict is the policy's decision on the findings.
	Verdict policy.Verdict
	Size    int
	ScanNS  int64
}

func newScanCmd() *cobra.Command {
	o := &scanOptions{}
	cmd := &cobra.Command{
		Use:   "scan [FILE|DIR|-]...",
		Short: "Scan files, directories or standard input with the rules",
		Long: `Scan content offline: a JSON-RPC message (its strings are attributed to surfaces such as
tool.args and tool.result), JSON Lines of messages, or any document, log or binary file.

Exit status: 0 when no finding reaches --fail-on, 1 when one does, 2 on a usage or input error.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runScan(cmd, o, args)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.format, "format", "text", "output format: text, json, jsonl or sarif")
	f.StringVar(&o.failOn, "fail-on", "high", "exit 1 when a finding has at least this severity (critical, high, medium, low, info)")
	f.StringVar(&o.rulesDir, "rules", "", "directory of .okt rule files to use instead of the built-in set")
	f.StringVar(&o.bundle, "bundle", "", "compiled rule bundle to use instead of the built-in set")
	f.IntVar(&o.chunk, "chunk", 0, "feed each input to the stream scanner in writes of this many bytes")
	f.StringVar(&o.as, "as", "auto", "what the inputs are: auto (sniff JSON or text), text, jsonrpc (a JSON-RPC body), jsonl (JSON Lines, stdio frames) or sse (a text/event-stream body)")
	f.StringVar(&o.method, "method", "", "the method of the request that JSON-RPC responses in the inputs answer (tools/call, tools/list, prompts/get...), when the inputs do not carry it")
	return cmd
}

// loadRuleSet loads the built-in rule set, the rules of dir or a bundle, for a command run.
func loadRuleSet(cmd *cobra.Command, dir, bundlePath string) (*rules.Set, error) {
	if dir != "" && bundlePath != "" {
		return nil, usageErr("--rules and --bundle cannot be used together")
	}
	return loadRules(cmd, rules.Spec{Rules: dir, Bundle: bundlePath}, "")
}

// loadRules loads a rule set with the command's cache and logger, and backend ("" for the best).
func loadRules(cmd *cobra.Command, spec rules.Spec, backend engine.Backend) (*rules.Set, error) {
	set, err := rules.Load(cmd.Context(), spec, rules.Options{CacheDir: cacheDir(), Backend: backend, Logger: logger(cmd)})
	if err != nil {
		return nil, &exitError{code: exitUsage, err: fmt.Errorf("load rules: %w", err)}
	}
	return set, nil
}

func runScan(cmd *cobra.Command, o *scanOptions, args []string) error {
	failOn, err := ir.ParseSeverity(o.failOn)
	if err != nil {
		return usageErr("--fail-on: %v", err)
	}
	switch o.format {
	case "text", "json", "jsonl", "sarif":
	default:
		return usageErr("--format must be text, json, jsonl or sarif, not %q", o.format)
	}
	if o.chunk < 0 {
		return usageErr("--chunk must be positive")
	}
	format, err := frame.ParseFormat(o.as)
	if err != nil {
		return usageErr("--as: %v", err)
	}
	spec := frame.Spec{Format: format, Method: o.method}
	inputs, err := expandInputs(args)
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	if o.format == "json" && len(inputs) > 1 {
		return usageErr("--format json describes one input; use --format jsonl for %d inputs", len(inputs))
	}
	set, err := loadRuleSet(cmd, o.rulesDir, o.bundle)
	if err != nil {
		return err
	}
	db := set.DB()
	scanner := engine.NewScanner(db)
	out := bufio.NewWriter(cmd.OutOrStdout())
	defer out.Flush()

	var results []fileResult
	worst := false
	for _, in := range inputs {
		start := time.Now()
		res, size, err := scanInput(cmd.Context(), scanner, spec, cmd.InOrStdin(), in, o.chunk)
		if err != nil {
			out.Flush()
			return &exitError{code: exitUsage, err: err}
		}
		fr := fileResult{Path: in, Result: res, Verdict: policy.Decide(res.Findings), Size: size, ScanNS: time.Since(start).Nanoseconds()}
		if max, ok := res.Max(); ok && max >= failOn {
			worst = true
		}
		switch o.format {
		case "text":
			writeText(out, fr, db)
		case "jsonl":
			if err := writeJSONL(out, fr); err != nil {
				return err
			}
		default:
			results = append(results, fr)
		}
	}
	switch o.format {
	case "json":
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		fr := results[0]
		if err := enc.Encode(scanRecord{Verdict: fr.Verdict.Decision, Findings: fr.Result.Findings, Notes: fr.Result.Notes}); err != nil {
			return fmt.Errorf("write json: %w", err)
		}
	case "sarif":
		if err := writeSARIF(out, results, db); err != nil {
			return err
		}
	}
	if worst {
		out.Flush()
		return &exitError{code: exitFindings}
	}
	return nil
}

// wholeFileLimit is the largest file read whole and scanned at once; larger files and standard
// input are streamed, so memory stays bounded whatever their size.
const wholeFileLimit = 64 << 20

// streamPiece is the size of the reads that feed a stream when --chunk is not given.
const streamPiece = 1 << 20

// scanInput scans one input framed as spec says: a small file whole, anything else through a
// stream in reads of chunk bytes (streamPiece when chunk is 0). Both give the same findings.
// It returns the result and the number of bytes scanned.
func scanInput(ctx context.Context, s *engine.Scanner, spec frame.Spec, stdin io.Reader, name string, chunk int) (*engine.Result, int, error) {
	var r io.Reader = stdin
	if name != stdinName {
		f, err := os.Open(name)
		if err != nil {
			return nil, 0, fmt.Errorf("read input: %w", err)
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() <= wholeFileLimit && chunk == 0 {
			data, err := io.ReadAll(f)
			if err != nil {
				return nil, 0, fmt.Errorf("read %s: %w", name, err)
			}
			res, err := frame.Scan(ctx, s, spec, data)
			if err != nil {
				return nil, len(data), fmt.Errorf("scan %s: %w", name, err)
			}
			return res, len(data), nil
		}
		r = f
	}
	if chunk == 0 {
		chunk = streamPiece
	}
	st := frame.NewStream(ctx, s, spec)
	buf := make([]byte, chunk)
	total := 0
	for {
		n, err := io.ReadFull(r, buf)
		if n > 0 {
			total += n
			if _, werr := st.Write(buf[:n]); werr != nil {
				return nil, total, fmt.Errorf("scan %s: %w", displayName(name), werr)
			}
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return nil, total, fmt.Errorf("read %s: %w", displayName(name), err)
		}
	}
	res, err := st.Close()
	if err != nil {
		return nil, total, fmt.Errorf("scan %s: %w", displayName(name), err)
	}
	return res, total, nil
}

const stdinName = "-"

// expandInputs turns the arguments into a list of files: directories are walked recursively
// (regular files only, in name order); no argument means standard input.
func expandInputs(args []string) ([]string, error) {
	if len(args) == 0 {
		return []string{stdinName}, nil
	}
	var out []string
	for _, a := range args {
		if a == stdinName {
			out = append(out, a)
			continue
		}
		info, err := os.Stat(a)
		if err != nil {
			return nil, fmt.Errorf("input: %w", err)
		}
		if !info.IsDir() {
			out = append(out, a)
			continue
		}
		var files []string
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.Type().IsRegular() {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("walk %s: %w", a, err)
		}
		sort.Strings(files)
		out = append(out, files...)
	}
	return out, nil
}

func displayName(path string) string {
	if path == stdinName {
		return "<stdin>"
	}
	return path
}

func writeText(w io.Writer, fr fileResult, db *engine.Database) {
	res := fr.Result
	fmt.Fprintf(w, "%s: %s (%d finding%s)\n", displayName(fr.Path), strings.ToUpper(string(fr.Verdict.Decision)),
		len(res.Findings), plural(len(res.Findings)))
	for _, f := range res.Findings {
		title := ""
		if r := db.Rule(f.Rule); r != nil {
			title = r.Title()
		}
		fmt.Fprintf(w, "  %-8s %-24s %-18s %-16s %d-%d  %s\n      %q\n",
			f.Severity, f.Rule, f.Category, f.Surface, f.Start, f.End, title, f.Excerpt)
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// scanRecord is the object of --format json (README: the JSON output contract).
type scanRecord struct {
	Verdict  policy.Decision  `json:"verdict"`
	Findings []engine.Finding `json:"findings"`
	Notes    []string         `json:"notes,omitempty"`
}

// jsonlRecord is one line of --format jsonl: the json object plus path and scan time.
type jsonlRecord struct {
	Path     string           `json:"path"`
	Verdict  policy.Decision  `json:"verdict"`
	Findings []engine.Finding `json:"findings"`
	Notes    []string         `json:"notes,omitempty"`
	ScanNS   int64            `json:"scan_ns"`
}

func writeJSONL(w io.Writer, fr fileResult) error {
	rec := jsonlRecord{Path: displayName(fr.Path), Verdict: fr.Verdict.Decision, Findings: fr.Result.Findings, Notes: fr.Result.Notes, ScanNS: fr.ScanNS}
	b, err := json.Marshal(rec)
	if err != nil {
		return fmt.Errorf("write jsonl: %w", err)
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}
