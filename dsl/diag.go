package dsl

import (
	"fmt"
	"sort"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
	"github.com/oktsec/oktsec/ir"
)

// Pos is a position in a rule file.
type Pos = ir.Position

func posOf(p lexer.Position) Pos {
	return Pos{File: p.Filename, Line: p.Line, Column: p.Column}
}

// Level says whether a diagnostic stops compilation.
type Level int

// Diagnostic levels.
const (
	Error Level = iota
	Warning
)

// Diagnostic is one problem found in a rule file.
type Diagnostic struct {
	Pos   Pos
	Level Level
	// Rule is the id of the rule the problem is in, when known.
	Rule string
	Msg  string
}

// Error formats the diagnostic as file:line:col: [warning: ]message.
func (d *Diagnostic) Error() string {
	level := ""
	if d.Level == Warning {
		level = "warning: "
	}
	return fmt.Sprintf("%s: %s%s", d.Pos, level, d.Msg)
}

// Diagnostics is a list of diagnostics, sorted by position.
type Diagnostics []*Diagnostic

// Errors returns only the diagnostics that stop compilation.
func (ds Diagnostics) Errors() Diagnostics { return ds.ofLevel(Error) }

// Warnings returns only the lints.
func (ds Diagnostics) Warnings() Diagnostics { return ds.ofLevel(Warning) }

func (ds Diagnostics) ofLevel(l Level) Diagnostics {
	var out Diagnostics
	for _, d := range ds {
		if d.Level == l {
			out = append(out, d)
		}
	}
	return out
}

// Error joins the diagnostics one per line.
func (ds Diagnostics) Error() string {
	lines := make([]string, len(ds))
	for i, d := range ds {
		lines[i] = d.Error()
	}
	return strings.Join(lines, "\n")
}

func (ds Diagnostics) sort() {
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i].Pos, ds[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
}
