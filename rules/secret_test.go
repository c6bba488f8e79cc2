package rules_test

import (
	"testing"

	"github.com/oktsec/oktsec/dsl"
	"github.com/oktsec/oktsec/rules"
)

// otherSecretRules are the built-in rules outside credential_leak and pii whose match is itself
// a secret value.
var otherSecretRules = map[string]bool{
	"EXF_TELEGRAM_001": true, // api.telegram.org/bot<token>/...: the match holds the bot token
	"EXF_MDIMG_002":    true, // the match holds the encoded payload being smuggled out
}

// TestSecretRules checks which built-in rules are marked secret: every credential_leak and pii
// rule and the few listed above, so a new credential rule cannot leak its match into logs by
// forgetting the marker, and the marker is not spread where it hides useful excerpts.
func TestSecretRules(t *testing.T) {
	srcs, err := rules.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	set, diags := dsl.Compile(srcs)
	if set == nil {
		t.Fatal(diags)
	}
	found := 0
	for _, r := range set.Rules {
		want := r.Category == "credential_leak" || r.Category == "pii" || otherSecretRules[r.ID]
		if r.Secret != want {
			t.Errorf("%s (%s, %s): secret is %v, want %v", r.ID, r.Category, r.Pos, r.Secret, want)
		}
		if otherSecretRules[r.ID] {
			found++
		}
	}
	if found != len(otherSecretRules) {
		t.Errorf("found %d of the %d other secret rules", found, len(otherSecretRules))
	}
}
