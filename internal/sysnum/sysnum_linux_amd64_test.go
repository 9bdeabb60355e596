package sysnum

import "golang.org/x/sys/unix"

// hostNumbers are x/sys/unix's numbers for this GOARCH's native ABI.
var hostNumbers = map[string]int{
	"write": unix.SYS_WRITE, "pwrite64": unix.SYS_PWRITE64, "writev": unix.SYS_WRITEV,
	"sendto": unix.SYS_SENDTO, "sendmsg": unix.SYS_SENDMSG, "vmsplice": unix.SYS_VMSPLICE,
	"pwritev": unix.SYS_PWRITEV, "sendmmsg": unix.SYS_SENDMMSG, "pwritev2": unix.SYS_PWRITEV2,
	"io_uring_enter": unix.SYS_IO_URING_ENTER,
	"epoll_wait":     unix.SYS_EPOLL_WAIT, "epoll_pwait": unix.SYS_EPOLL_PWAIT, "epoll_pwait2": unix.SYS_EPOLL_PWAIT2,
}
