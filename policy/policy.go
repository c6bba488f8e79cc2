package policy

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/oktsec/oktsec/engine"
)

// Config is the written form of a policy: override actions by rule id and by category. Each
// action is block, quarantine, flag, allow or ignore.
type Config struct {
	// Rules maps a rule id to the action for its findings. A rule override wins over the
	// override of the rule's category.
	Rules map[string]Decision `json:"rules,omitempty"`
	// Categories maps a rule category to the action for findings of its rules.
	Categories map[string]Decision `json:"categories,omitempty"`
}

// Policy decides what findings mean. The zero Policy (and a nil *Policy) has no overrides:
// every finding gets the decision of its severity.
type Policy struct {
	rules      map[string]Decision
	categories map[string]Decision
}

// New checks c and returns its policy. An unknown action or an empty rule id or category is
// an error naming the override.
func New(c Config) (*Policy, error) {
	p := &Policy{rules: map[string]Decision{}, categories: map[string]Decision{}}
	var errs []error
	check := func(kind, key string, d Decision, into map[string]Decision) {
		if strings.TrimSpace(key) == "" {
			errs = append(errs, fmt.Errorf("policy: %s override with an empty name", kind))
			return
		}
		if _, err := ParseDecision(string(d)); err != nil {
			errs = append(errs, fmt.Errorf("policy: %s %s: %w", kind, key, err))
			return
		}
		into[key] = d
	}
	for _, key := range sortedKeys(c.Rules) {
		check("rule", key, c.Rules[key], p.rules)
	}
	for _, key := range sortedKeys(c.Categories) {
		check("category", key, c.Categories[key], p.categories)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return p, nil
}

// Validate reports rule overrides that name none of ids, the rule ids of the rule set the
// policy is used with: such an override is most likely a typo and would never apply.
func (p *Policy) Validate(ids []string) error {
	if p == nil {
		return nil
	}
	known := make(map[string]bool, len(ids))
	for _, id := range ids {
		known[id] = true
	}
	var unknown []string
	for _, id := range sortedKeys(p.rules) {
		if !known[id] {
			unknown = append(unknown, fmt.Sprintf("%q", id))
		}
	}
	if len(unknown) > 0 {
		return fmt.Errorf("policy: rule overrides name rules the rule set does not have: %s", strings.Join(unknown, ", "))
	}
	return nil
}

// Action returns the decision for one finding: the override of its rule, else the override of
// its category, else the decision of its severity. Ignore means the finding is dropped.
func (p *Policy) Action(f engine.Finding) Decision {
	if p != nil {
		if d, ok := p.rules[f.Rule]; ok {
			return d
		}
		if d, ok := p.categories[f.Category]; ok {
			return d
		}
	}
	return DecisionFor(f.Severity)
}

func sortedKeys(m map[string]Decision) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
