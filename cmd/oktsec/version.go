package main

import (
	"fmt"
	"runtime"

	"github.com/oktsec/oktsec/engine"
	"github.com/oktsec/oktsec/rules"
	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, the engine backend and the built-in rule count",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			set, err := loadRules(cmd, rules.Spec{}, "")
			if err != nil {
				return err
			}
			backend := string(set.DB().Backend())
			if set.DB().Backend() == engine.BackendVectorscan {
				backend += " [" + engine.VectorscanRuntime() + "]"
			}
			fmt.Fprintf(cmd.OutOrStdout(), "oktsec %s (%s, backend: %s, built-in rules: %d)\n",
				version, runtime.Version(), backend, len(set.Rules.Rules))
			return nil
		},
	}
}
