//go:build !unix

package rules

import "io/fs"

// noFollow is 0 where opening cannot refuse symbolic links.
const noFollow = 0

// privateToMe cannot tell file owners and permissions on this system; the key file is trusted
// as the directory's access control lets it be.
func privateToMe(fs.FileInfo) error { return nil }
