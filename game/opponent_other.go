//go:build !linux

package game

import "syscall"

// ownProcessGroup returns nil: only Linux gets a separate process group.
func ownProcessGroup() *syscall.SysProcAttr { return nil }

// killGroup does nothing outside Linux; the process itself is still killed.
func killGroup(int) {}
