package game

import "syscall"

// ownProcessGroup puts the opponent in a new process group (its pgid is its
// pid), so that killGroup reaches the children it may have started.
func ownProcessGroup() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

// killGroup sends SIGKILL to the process group led by pid.
func killGroup(pid int) { _ = syscall.Kill(-pid, syscall.SIGKILL) }
