/*
 * Parking a thread on a word until another thread changes it: the futex
 * wait and wake of Linux behind two calls, for hand-offs where a mutex and
 * a condition variable per waiter would cost a lock round trip more (the
 * group commit of lib/db.c).
 *
 * A waiter sets its word to a value, publishes the word's address, and
 * calls cv_park(word, value): it returns once the word holds another
 * value.  The other thread stores the new value with cv_unpark(), which
 * also wakes the waiter.  Spurious wake-ups are absorbed: cv_park() only
 * returns when the value has changed.
 */
#ifndef CV_PARK_H
#define CV_PARK_H

#include <stdatomic.h>

/* Sleeps until *word != value; returns the value it then holds. */
int		 cv_park(atomic_int *word, int value);
/* Stores value in *word (release) and wakes the thread parked on it.
 * The waiter may return, and the word's memory go, as soon as the value
 * is stored: the wake-up then reaches at worst a later waiter at the same
 * address, which parks again because its value has not changed. */
void		 cv_unpark(atomic_int *word, int value);

#endif /* !CV_PARK_H */
