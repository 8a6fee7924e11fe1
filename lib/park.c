/*
 * cv_park() and cv_unpark(): futex(2) waits on a word (see cv_park.h).
 */
#include "config.h"

#include <linux/futex.h>
#include <sys/syscall.h>

#include <stdatomic.h>
#include <unistd.h>

#include "cv_park.h"

int
cv_park(atomic_int *word, int value)
{
	int	 v;

	while ((v = atomic_load_explicit(word, memory_order_acquire)) == value)
		syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, value, NULL, NULL,
		    0);
	return v;
}

void
cv_unpark(atomic_int *word, int value)
{
	atomic_store_explicit(word, value, memory_order_release);
	syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}
