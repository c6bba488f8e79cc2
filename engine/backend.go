package engine

// Backend names the matching backend compiled into this build.
const Backend = "go (aho-corasick prefilter + regexp confirmation)"
