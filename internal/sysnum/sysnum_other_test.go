//go:build !linux || !(amd64 || arm64)

package sysnum

// hostNumbers is nil: the eBPF programs run on Linux, amd64 and arm64 only.
var hostNumbers map[string]int
