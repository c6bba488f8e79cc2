package rules

import (
	"bytes"
	"debug/elf"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sync"
)

// The compiled-sources cache holds what this build's code made of the sources, so it is keyed by
// the identity of the code: the Go build ID of the executable, which the go command derives from
// every input of the build (sources, dependencies, toolchain, flags), and the VCS revision or
// module version when the build was stamped with one.

// buildKey identifies the code of this binary, or is "" when it cannot be identified.
var buildKey = sync.OnceValue(func() string { return makeBuildKey(executableBuildID()) })

// makeBuildKey combines the executable's build ID with the stamps of the build info.
func makeBuildKey(buildID string) string {
	var code string
	if bi, ok := debug.ReadBuildInfo(); ok {
		var rev, modified, tags string
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value
			case "-tags":
				tags = s.Value
			}
		}
		switch {
		case rev != "" && modified == "false":
			code = "revision " + rev
		case rev == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)":
			code = "module " + bi.Main.Path + "@" + bi.Main.Version
		}
		if code != "" {
			code = fmt.Sprintf("%s\x00%s\x00tags %s", code, bi.GoVersion, tags)
		}
	}
	switch {
	case buildID != "" && code != "":
		return "buildid " + buildID + "\x00" + code
	case buildID != "":
		return "buildid " + buildID
	}
	return code
}

// executableBuildID returns the Go build ID of the running executable, or "" when it cannot be
// read. It reads the ELF note that holds it, or else looks for it near the start of the file
// (where the linker puts it in other formats), as the go command does.
func executableBuildID() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	f, err := os.Open(exe)
	if err != nil {
		return ""
	}
	defer f.Close()
	if ef, err := elf.NewFile(f); err == nil {
		return elfBuildID(ef)
	}
	head := make([]byte, 32<<10)
	n, _ := io.ReadFull(f, head)
	return textBuildID(head[:n])
}

// elfBuildID reads the Go build ID note of an ELF file.
func elfBuildID(ef *elf.File) string {
	sec := ef.Section(".note.go.buildid")
	if sec == nil {
		return ""
	}
	data, err := sec.Data()
	if err != nil || len(data) < 16 {
		return ""
	}
	bo := ef.ByteOrder
	nameSize, descSize, typ := bo.Uint32(data), bo.Uint32(data[4:]), bo.Uint32(data[8:])
	const goBuildIDNote = 4
	nameEnd := 12 + (uint64(nameSize)+3)&^3
	if typ != goBuildIDNote || nameSize != 4 || !bytes.Equal(data[12:15], []byte("Go\x00")) ||
		nameEnd+uint64(descSize) > uint64(len(data)) {
		return ""
	}
	return string(data[nameEnd : nameEnd+uint64(descSize)])
}

// textBuildID finds the build ID string the linker writes at the start of the text segment.
func textBuildID(data []byte) string {
	const prefix, suffix = "\xff Go build ID: \"", "\"\n \xff"
	i := bytes.Index(data, []byte(prefix))
	if i < 0 {
		return ""
	}
	rest := data[i+len(prefix):]
	j := bytes.Index(rest, []byte(suffix))
	if j <= 0 || j > 1024 {
		return ""
	}
	return string(rest[:j])
}
