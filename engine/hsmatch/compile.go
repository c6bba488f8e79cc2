//go:build hyperscan

package hsmatch

import (
	"errors"
	"fmt"

	"github.com/flier/gohs/hyperscan"
)

// Compile translates the patterns (see Translate) and compiles them into a block-mode
// database (Scan). IDs must be distinct. A pattern that Hyperscan rejects is retried in
// prefilter mode (HS_FLAG_PREFILTER, which over-approximates too); a pattern that still fails,
// or that Translate rejects, is left out and listed by Database.Fallbacks: the caller finds its
// matches another way. The error is for failures that concern the whole set.
func Compile(pats []Pattern) (*Database, error) {
	if err := checkRuntime(); err != nil {
		return nil, err
	}
	seen := make(map[int]bool, len(pats))
	c := &compiler{}
	for _, p := range pats {
		if seen[p.ID] {
			return nil, fmt.Errorf("hsmatch: compile: duplicate pattern id %d", p.ID)
		}
		seen[p.ID] = true
		expr, err := Translate(p.Expr)
		if err != nil {
			c.fallbacks = append(c.fallbacks, Fallback{ID: p.ID, Reason: err.Error()})
			continue
		}
		c.add(p.ID, expr)
	}
	im, err := c.build()
	if err != nil {
		return nil, err
	}
	db, err := newDatabase(im)
	if err != nil {
		return nil, fmt.Errorf("hsmatch: compile: %w", err)
	}
	return db, nil
}

// compiler holds the expressions on their way into the databases.
type compiler struct {
	ids       []int
	exprs     []string
	flags     []hyperscan.CompileFlag
	fallbacks []Fallback
}

func (c *compiler) add(id int, expr string) {
	c.ids = append(c.ids, id)
	c.exprs = append(c.exprs, expr)
	c.flags = append(c.flags, 0)
}

func (c *compiler) remove(i int, reason string) {
	c.fallbacks = append(c.fallbacks, Fallback{ID: c.ids[i], Reason: reason})
	c.ids = append(c.ids[:i], c.ids[i+1:]...)
	c.exprs = append(c.exprs[:i], c.exprs[i+1:]...)
	c.flags = append(c.flags[:i], c.flags[i+1:]...)
}

// build compiles the database. An expression the library rejects is first checked alone,
// cheaply (hs_expression_info); one that fails only in the full compile is found by its index
// in the compile error. Either way it is retried with HS_FLAG_PREFILTER, then left out.
func (c *compiler) build() (*image, error) {
	for i := 0; i < len(c.exprs); i++ {
		if _, err := hyperscan.NewPattern(c.exprs[i], 0).Info(); err != nil {
			if !c.retry(i, err) {
				i--
			}
		}
	}
	if len(c.exprs) == 0 {
		return nil, errors.New("hsmatch: compile: no pattern can be compiled")
	}
	for {
		block, err := c.compileBlock()
		if err == nil {
			im := &image{ids: c.ids, fallbacks: c.fallbacks, block: block}
			for i, f := range c.flags {
				if f&hyperscan.PrefilterMode != 0 {
					im.prefiltered = append(im.prefiltered, c.ids[i])
				}
			}
			return im, nil
		}
		var ce *hyperscan.CompileError
		if !errors.As(err, &ce) || ce.Expression < 0 || ce.Expression >= len(c.exprs) {
			return nil, fmt.Errorf("hsmatch: compile: %w", err)
		}
		if !c.retry(ce.Expression, err) && len(c.exprs) == 0 {
			return nil, errors.New("hsmatch: compile: no pattern can be compiled")
		}
	}
}

// retry switches expression i, which failed with err, to prefilter mode when it compiles so
// alone, and removes it otherwise. It reports whether i is still there.
func (c *compiler) retry(i int, err error) bool {
	if c.flags[i]&hyperscan.PrefilterMode == 0 {
		p := hyperscan.NewPattern(c.exprs[i], hyperscan.PrefilterMode)
		if _, perr := compileMode(hyperscan.Patterns{p}, hyperscan.BlockMode); perr == nil {
			c.flags[i] |= hyperscan.PrefilterMode
			return true
		}
	}
	c.remove(i, fmt.Sprintf("rejected by Hyperscan: %v", err))
	return false
}

// compileBlock compiles the block-mode database and returns it serialized.
func (c *compiler) compileBlock() ([]byte, error) {
	pats := make([]*hyperscan.Pattern, len(c.exprs))
	for i, e := range c.exprs {
		pats[i] = hyperscan.NewPattern(e, c.flags[i])
		pats[i].Id = i
	}
	return compileMode(pats, hyperscan.BlockMode)
}

func compileMode(pats hyperscan.Patterns, mode hyperscan.ModeFlag) ([]byte, error) {
	db, err := pats.ForPlatform(mode, targetPlatform())
	if err != nil {
		return nil, err // unwrapped: the caller inspects the CompileError
	}
	defer func() { _ = db.Close() }()
	b, err := db.Marshal()
	if err != nil {
		return nil, fmt.Errorf("serialize %v database: %w", mode, err)
	}
	return b, nil
}
