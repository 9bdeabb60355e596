// Package sysnum is the Go side of the one table of the system call
// numbers that the project's eBPF programs match (bpf/spy/spy.c,
// bench/breakdown/breakdown.c), per architecture and ABI. The C programs
// carry their own copy, in one per-architecture block each, because a BPF
// program must compare with constants; the tests check every copy against
// this table, and this table against golang.org/x/sys/unix.
//
// The spy's events identify a call by its x86_64 number on every
// architecture and in every ABI (package bpf/event): Event maps a name to
// that number.
package sysnum

// ABI is one system call ABI of a Linux architecture: its numbers by the
// call's name (the kernel's name, as in __NR_write).
type ABI struct {
	// Name is the ABI's name: "x86_64", "ia32", "arm64", "aarch32".
	Name string
	// GOARCH is the Go architecture whose kernels run this ABI.
	GOARCH string
	// Compat is set for the 32-bit compat ABI of a 64-bit kernel.
	Compat bool
	// Numbers are the system call numbers by name. A name missing here is
	// not a system call of this ABI (arm64 has no epoll_wait).
	Numbers map[string]int
}

// Write lists the write-family calls the spy decodes, in the order of
// bpf/event's constants. AArch32 has one more, send, a system call of its
// own there: it is decoded as the sendto whose first arguments it shares.
var Write = []string{"write", "pwrite64", "writev", "sendto", "sendmsg", "vmsplice", "pwritev", "sendmmsg", "pwritev2"}

// Breakdown lists the calls the breakdown tracer matches: the writer's
// write, and the returns from the epoll_wait family.
var Breakdown = []string{"write", "epoll_wait", "epoll_pwait", "epoll_pwait2"}

// ABIs is the table: the native and the compat ABI of each architecture
// the eBPF programs are built for.
var ABIs = []ABI{
	{Name: "x86_64", GOARCH: "amd64", Numbers: map[string]int{
		"write": 1, "pwrite64": 18, "writev": 20, "sendto": 44, "sendmsg": 46, "vmsplice": 278,
		"pwritev": 296, "sendmmsg": 307, "pwritev2": 328, "io_uring_enter": 426,
		"epoll_wait": 232, "epoll_pwait": 281, "epoll_pwait2": 441,
	}},
	{Name: "ia32", GOARCH: "amd64", Compat: true, Numbers: map[string]int{
		"write": 4, "writev": 146, "pwrite64": 181, "vmsplice": 316, "pwritev": 334,
		"sendmmsg": 345, "sendto": 369, "sendmsg": 370, "pwritev2": 379,
	}},
	{Name: "arm64", GOARCH: "arm64", Numbers: map[string]int{
		"write": 64, "writev": 66, "pwrite64": 68, "pwritev": 70, "vmsplice": 75, "sendto": 206,
		"sendmsg": 211, "sendmmsg": 269, "pwritev2": 287, "io_uring_enter": 426,
		"epoll_pwait": 22, "epoll_pwait2": 441,
	}},
	{Name: "aarch32", GOARCH: "arm64", Compat: true, Numbers: map[string]int{
		"write": 4, "writev": 146, "pwrite64": 181, "send": 289, "sendto": 290, "sendmsg": 296,
		"vmsplice": 343, "pwritev": 362, "sendmmsg": 374, "pwritev2": 393,
	}},
}

// Event returns the number that the spy's events carry for the call name:
// its x86_64 number. AArch32's send is reported as sendto.
func Event(name string) (int, bool) {
	if name == "send" {
		name = "sendto"
	}
	n, ok := ABIs[0].Numbers[name]
	return n, ok
}

// Native returns the native ABI of goarch, and false if the eBPF programs
// are not built for it.
func Native(goarch string) (ABI, bool) { return find(goarch, false) }

// CompatOf returns the 32-bit compat ABI that goarch's kernels run, and
// false if there is none in the table.
func CompatOf(goarch string) (ABI, bool) { return find(goarch, true) }

func find(goarch string, compat bool) (ABI, bool) {
	for _, a := range ABIs {
		if a.GOARCH == goarch && a.Compat == compat {
			return a, true
		}
	}
	return ABI{}, false
}
