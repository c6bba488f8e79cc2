package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/oktsec/oktsec/engine"
	"github.com/oktsec/oktsec/ir"
	"github.com/oktsec/oktsec/policy"
	"github.com/oktsec/oktsec/rules"
	"github.com/spf13/cobra"
)

func newRulesCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "Compile, list, explain and test rule sets (the built-in set unless a directory is given)",
	}
	cmd.AddCommand(newRulesCompileCmd(), newRulesListCmd(), newRulesExplainCmd(), newRulesTestCmd())
	return cmd
}

func dirArg(args []string) string {
	if len(args) == 1 {
		return args[0]
	}
	return ""
}

func newRulesCompileCmd() *cobra.Command {
	var output string
	var strict, stats, lintVectorscan bool
	var budget time.Duration
	cmd := &cobra.Command{
		Use:   "compile [DIR]",
		Short: "Compile a rule set, print diagnostics and lints, and optionally write a bundle",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			// A bundle is written for other runs to load: give it the best backend's database.
			var backend engine.Backend
			if output != "" {
				backend = engine.BestBackend()
			}
			set, err := rules.Load(cmd.Context(), rules.Spec{Rules: dirArg(args)},
				rules.Options{CacheDir: cacheDir(), Backend: backend, Logger: logger(cmd)})
			var ce *rules.CompileError
			if errors.As(err, &ce) {
				for _, d := range ce.Diags {
					fmt.Fprintln(cmd.ErrOrStderr(), d.Error())
				}
				return &exitError{code: exitFindings, err: fmt.Errorf("%d error(s)", len(ce.Diags.Errors()))}
			}
			if err != nil {
				return &exitError{code: exitFindings, err: err}
			}
			for _, d := range set.Lints {
				fmt.Fprintln(cmd.ErrOrStderr(), d.Error())
			}
			db := set.DB()
			st := db.Stats()
			fmt.Fprintf(cmd.OutOrStdout(), "compiled %d rules: %d distinct patterns, %d prefilter literals (%d automaton states), %d without prefilter; longest match %d bytes; %d lint warning(s)\n",
				st.Rules, st.Patterns, st.Literals, st.States, st.ScanAll, st.LongestMatch, len(set.Lints))
			if stats {
				fmt.Fprintf(cmd.OutOrStdout(), "backend: %s\n", db.Backend())
			}
			if stats && db.Backend() == engine.BackendVectorscan {
				v := st.Vectorscan
				fmt.Fprintf(cmd.OutOrStdout(), "vectorscan: %d patterns (%d in prefilter mode, %d left to the go prefilter), %d KiB\n",
					v.Patterns, v.Prefiltered, v.Fallbacks, v.Bytes>>10)
			}
			warnings := len(set.Lints)
			if lintVectorscan {
				n, err := lintVectorscanCosts(cmd, set.Rules, budget)
				if err != nil {
					return &exitError{code: exitFindings, err: err}
				}
				warnings += n
			}
			if output != "" {
				if err := set.WriteBundle(output); err != nil {
					return &exitError{code: exitUsage, err: err}
				}
				fmt.Fprintf(cmd.OutOrStdout(), "wrote %s\n", output)
			}
			if strict && warnings > 0 {
				return &exitError{code: exitFindings, err: fmt.Errorf("--strict: %d lint warning(s)", warnings)}
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "write the compiled bundle to this file")
	cmd.Flags().BoolVar(&strict, "strict", false, "fail on lint warnings too")
	cmd.Flags().BoolVar(&stats, "stats", false, "also print the backend and its database sizes")
	cmd.Flags().BoolVar(&lintVectorscan, "lint-vectorscan", false, "also compile each expression alone for Vectorscan and warn about those it rejects or compiles slower than --vectorscan-budget")
	cmd.Flags().DurationVar(&budget, "vectorscan-budget", 2*time.Second, "longest Vectorscan compile of one expression alone that --lint-vectorscan accepts")
	return cmd
}

// lintVectorscanCosts prints a warning for each rule string whose expression Vectorscan rejects
// or compiles alone in more than budget, then a summary, and returns the number of warnings.
// A build without Vectorscan says so and warns about nothing.
func lintVectorscanCosts(cmd *cobra.Command, set *ir.RuleSet, budget time.Duration) (int, error) {
	costs, err := engine.VectorscanCosts(set)
	if errors.Is(err, engine.ErrVectorscanUnavailable) {
		fmt.Fprintln(cmd.ErrOrStderr(), "--lint-vectorscan: skipped, this build has no vectorscan backend")
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("--lint-vectorscan: %w", err)
	}
	warnings := 0
	var total time.Duration
	var slowest engine.StringCost
	for _, c := range costs {
		if !c.Shared {
			total += c.Compile
		}
		if c.Compile > slowest.Compile {
			slowest = c
		}
		switch {
		case c.Fallback != "":
			warnings++
			fmt.Fprintf(cmd.ErrOrStderr(), "%s: warning: rule %s: $%s: vectorscan does not take the expression (%s); it is matched the slower way\n", c.Pos, c.Rule, c.String, c.Fallback)
		case c.Compile > budget:
			warnings++
			fmt.Fprintf(cmd.ErrOrStderr(), "%s: warning: rule %s: $%s: vectorscan compiles the expression alone in %s (budget %s), and every rule set holding it that much slower: tighten its repeats or split it\n",
				c.Pos, c.Rule, c.String, c.Compile.Round(time.Millisecond), budget)
		}
	}
	fmt.Fprintf(cmd.OutOrStdout(), "vectorscan lint: %d strings compiled alone in %s, slowest %s (rule %s, $%s); %d warning(s)\n",
		len(costs), total.Round(time.Millisecond), slowest.Compile.Round(time.Millisecond), slowest.Rule, slowest.String, warnings)
	return warnings, nil
}

// ruleSummary is one entry of `rules list --format json`.
type ruleSummary struct {
	ID       string       `json:"id"`
	Severity ir.Severity  `json:"severity"`
	Decision string       `json:"decision"`
	Category string       `json:"category"`
	Title    string       `json:"title"`
	Scope    []ir.Surface `json:"scope"`
	File     string       `json:"file"`
	Line     int          `json:"line"`
}

func newRulesListCmd() *cobra.Command {
	var format, bundlePath string
	cmd := &cobra.Command{
		Use:   "list [DIR]",
		Short: "List rules, one per line with the id first",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			set, err := loadRuleSet(cmd, dirArg(args), bundlePath)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			switch format {
			case "text":
				for _, r := range set.Rules.Rules {
					fmt.Fprintf(out, "%-26s %-8s %-20s %s\n", r.ID, r.Severity, r.Category, r.Title())
				}
			case "json":
				list := make([]ruleSummary, 0, len(set.Rules.Rules))
				for _, r := range set.Rules.Rules {
					scope := r.Scope
					if len(scope) == 0 {
						scope = []ir.Surface{ir.ScopeAny}
					}
					list = append(list, ruleSummary{ID: r.ID, Severity: r.Severity, Decision: string(policy.DecisionFor(r.Severity)),
						Category: r.Category, Title: r.Title(), Scope: scope, File: r.Pos.File, Line: r.Pos.Line})
				}
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				return enc.Encode(list)
			default:
				return usageErr("--format must be text or json, not %q", format)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	cmd.Flags().StringVar(&bundlePath, "bundle", "", "list the rules of a compiled bundle")
	return cmd
}

func newRulesExplainCmd() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "explain ID",
		Short: "Show a rule: title, severity and decision, scope, remediation and its source",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			set, err := loadRuleSet(cmd, dir, "")
			if err != nil {
				return err
			}
			r := set.DB().Rule(args[0])
			if r == nil {
				return usageErr("no rule %q (see oktsec rules list)", args[0])
			}
			writeExplain(cmd.OutOrStdout(), r)
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "rules", "", "directory of .okt rule files instead of the built-in set")
	return cmd
}

func writeExplain(w io.Writer, r *ir.Rule) {
	scope := "any"
	if len(r.Scope) > 0 {
		parts := make([]string, len(r.Scope))
		for i, s := range r.Scope {
			parts[i] = string(s)
		}
		scope = strings.Join(parts, ", ")
	}
	fmt.Fprintf(w, "%s — %s\n\n", r.ID, r.Title())
	fmt.Fprintf(w, "  severity:    %s (decision: %s)\n", r.Severity, policy.DecisionFor(r.Severity))
	fmt.Fprintf(w, "  category:    %s\n", r.Category)
	if r.Secret {
		fmt.Fprintf(w, "  secret:      yes (excerpts of its findings are masked)\n")
	}
	fmt.Fprintf(w, "  scope:       %s\n", scope)
	fmt.Fprintf(w, "  defined at:  %s\n", r.Pos)
	fmt.Fprintf(w, "  remediation: %s\n", r.Meta["remediation"])
	for k, v := range r.Meta {
		if k != "title" && k != "remediation" {
			fmt.Fprintf(w, "  %s: %s\n", k, v)
		}
	}
	if r.Source != "" {
		fmt.Fprintf(w, "\n%s\n", r.Source)
	}
}

func newRulesTestCmd() *cobra.Command {
	var verbose bool
	cmd := &cobra.Command{
		Use:   "test [DIR]",
		Short: "Run every rule's embedded examples; fail on a missed match or a false hit",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			set, err := loadRuleSet(cmd, dirArg(args), "")
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			passed, failed := 0, 0
			for _, o := range rules.RunExamples(set) {
				if o.Passed() {
					passed++
					if verbose {
						fmt.Fprintf(out, "ok   %s %s\n", o.Rule.ID, o.Example.Pos)
					}
					continue
				}
				failed++
				what := "match example did not fire"
				if !o.Example.Match {
					what = "nomatch example fired"
				}
				fmt.Fprintf(out, "FAIL %s: %s: %s: %q\n", o.Example.Pos, o.Rule.ID, what, o.Example.Text)
			}
			for _, l := range set.Lints {
				fmt.Fprintf(cmd.ErrOrStderr(), "%s\n", l.Error())
			}
			fmt.Fprintf(out, "rules: %d passed, %d failed\n", passed, failed)
			if failed > 0 {
				return &exitError{code: exitFindings}
			}
			return nil
		},
	}
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "list passing examples too")
	return cmd
}
