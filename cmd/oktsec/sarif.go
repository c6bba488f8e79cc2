package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/oktsec/oktsec/engine"
	"github.com/oktsec/oktsec/ir"
	"github.com/oktsec/oktsec/policy"
)

// SARIF 2.1.0, the subset needed to report findings with byte regions.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version"`
	InformationURI string      `json:"informationUri,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID               string         `json:"id"`
	ShortDescription sarifText      `json:"shortDescription"`
	Help             sarifText      `json:"help"`
	Properties       map[string]any `json:"properties"`
	DefaultConfig    sarifConfig    `json:"defaultConfiguration"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	RuleIndex int             `json:"ruleIndex"`
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations"`
	Props     map[string]any  `json:"properties"`
}

type sarifLocation struct {
	Physical sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	Artifact sarifArtifact `json:"artifactLocation"`
	Region   sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	ByteOffset int `json:"byteOffset"`
	ByteLength int `json:"byteLength"`
}

func sarifLevel(s ir.Severity) string {
	switch {
	case s >= ir.High:
		return "error"
	case s >= ir.Medium:
		return "warning"
	}
	return "note"
}

func writeSARIF(w io.Writer, results []fileResult, db *engine.Database) error {
	run := sarifRun{Tool: sarifTool{Driver: sarifDriver{Name: "oktsec", Version: version}}, Results: []sarifResult{}}
	index := map[string]int{}
	for i, r := range db.Rules() {
		index[r.ID] = i
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{
			ID:               r.ID,
			ShortDescription: sarifText{Text: r.Title()},
			Help:             sarifText{Text: r.Meta["remediation"]},
			Properties:       map[string]any{"category": r.Category, "severity": r.Severity.String()},
			DefaultConfig:    sarifConfig{Level: sarifLevel(r.Severity)},
		})
	}
	for _, fr := range results {
		for _, f := range fr.Result.Findings {
			title := f.Rule
			if r := db.Rule(f.Rule); r != nil {
				title = r.Title()
			}
			run.Results = append(run.Results, sarifResult{
				RuleID: f.Rule, RuleIndex: index[f.Rule], Level: sarifLevel(f.Severity),
				Message: sarifText{Text: fmt.Sprintf("%s (%s, %s): %s", title, f.Severity, f.Surface, f.Excerpt)},
				Locations: []sarifLocation{{Physical: sarifPhysical{
					Artifact: sarifArtifact{URI: displayName(fr.Path)},
					Region:   sarifRegion{ByteOffset: f.Start, ByteLength: f.End - f.Start},
				}}},
				Props: map[string]any{"decision": policy.DecisionFor(f.Severity), "surface": f.Surface, "layer": f.Layer},
			})
		}
	}
	log := sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(log); err != nil {
		return fmt.Errorf("write sarif: %w", err)
	}
	return nil
}
