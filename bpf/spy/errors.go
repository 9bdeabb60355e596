package spy

import (
	"errors"
	"strings"
)

// Sentinel errors. Check them with errors.Is: the errors returned carry
// more detail (which privilege, which PID).
var (
	// ErrNoPrivilege means the process lacks what loading the spy needs:
	// CAP_BPF and CAP_PERFMON (root has both). The error is a
	// *PrivilegeError naming what is missing.
	ErrNoPrivilege = errors.New("missing privileges")
	// ErrInvalidOptions means an Options field is out of range.
	ErrInvalidOptions = errors.New("invalid spy options")
	// ErrNoBTF means the kernel exposes no BTF (/sys/kernel/btf/vmlinux),
	// which the tp_btf programs need: a kernel built without
	// CONFIG_DEBUG_INFO_BTF.
	ErrNoBTF = errors.New("kernel BTF is not available (/sys/kernel/btf/vmlinux is missing: the kernel was built without CONFIG_DEBUG_INFO_BTF)")
	// ErrUnsupportedKernel means the kernel lacks a feature the spy needs
	// (BPF ring buffers and their dynptrs, tp_btf programs, task storage,
	// bpf_loop, bpf_rdonly_cast: Linux 6.2 or later, on x86_64 or arm64).
	ErrUnsupportedKernel = errors.New("unsupported kernel (the spy needs Linux 6.2 or later on x86_64 or arm64: BPF ring buffers, tp_btf, task storage, bpf_loop, bpf_rdonly_cast)")
	// ErrUnsupportedPlatform is returned by Open, and by every other entry
	// point, on an operating system other than Linux: the package builds
	// there (as cilium/ebpf does, with its ErrNotSupportedOnOS), but eBPF
	// is Linux's. On Linux, the compiled programs are for amd64 and arm64.
	ErrUnsupportedPlatform = errors.New("the spy runs only on Linux (amd64 or arm64)")
	// ErrNoSuchProcess means a PID given to AddTarget does not exist.
	ErrNoSuchProcess = errors.New("no such process")
	// ErrTargetExited means a target exited while it was being added.
	ErrTargetExited = errors.New("target process exited")
	// ErrTargetsExited is returned by Read once targets were added, every
	// one of them (and every child followed) has exited, and all their
	// events have been read.
	ErrTargetsExited = errors.New("every target has exited")
	// ErrStopped is returned by Read after Stop, once the events recorded
	// before it have been read.
	ErrStopped = errors.New("spy stopped")
	// ErrClosed is returned by Read after (or during) Close.
	ErrClosed = errors.New("spy closed")
)

// PrivilegeError says which privileges are missing. It matches
// ErrNoPrivilege with errors.Is.
type PrivilegeError struct {
	// Op is what the kernel refused, e.g. "load eBPF programs"; empty when
	// the capability check before loading found them missing.
	Op string
	// Missing lists the capabilities that are missing, e.g. "CAP_BPF";
	// empty when the kernel refused an operation (Op).
	Missing []string
}

// Error names the missing capabilities and how to get them. It never repeats
// the kernel's misleading "MEMLOCK may be too low".
func (e *PrivilegeError) Error() string {
	const how = "run it as root (sudo), or grant the binary cap_bpf,cap_perfmon+ep with setcap"
	if len(e.Missing) > 0 {
		return "the spy needs CAP_BPF and CAP_PERFMON, and this process lacks " +
			strings.Join(e.Missing, " and ") + ": " + how
	}
	return "the kernel refused to " + e.Op + " (operation not permitted): the spy needs " +
		"CAP_BPF and CAP_PERFMON: " + how
}

// Is reports whether target is ErrNoPrivilege.
func (e *PrivilegeError) Is(target error) bool { return target == ErrNoPrivilege }
