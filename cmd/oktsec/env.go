package main

import (
	"log/slog"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
)

// cacheEnv names the environment variable that sets the directory where compiled rule sources
// and Vectorscan databases are kept between runs (see rules.Options.CacheDir); "off" turns the
// cache off. By default it is oktsec/ under the user's cache directory. Compiling the built-in
// set for Vectorscan takes seconds; loading it from the cache milliseconds.
const cacheEnv = "OKTSEC_CACHE_DIR"

// cacheDir returns the cache directory (see cacheEnv), or "" for none.
func cacheDir() string {
	dir := os.Getenv(cacheEnv)
	switch dir {
	case "off":
		return ""
	case "":
		base, err := os.UserCacheDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(base, "oktsec")
	}
	return dir
}

// logEnv names the environment variable that sets the level of the messages written to
// standard error: debug, info, warn (the default) or error. At debug level the loader says which
// cache files it did not use and why.
const logEnv = "OKTSEC_LOG"

// logger is the logger of a command run: messages of the level logEnv sets to its standard
// error.
func logger(cmd *cobra.Command) *slog.Logger {
	level := slog.LevelWarn
	if v := os.Getenv(logEnv); v != "" {
		if err := level.UnmarshalText([]byte(v)); err != nil {
			level = slog.LevelWarn
		}
	}
	return slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: level}))
}
