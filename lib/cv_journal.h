/*
 * The journal: an append-only record of JSON records in two files,
 * "<base>.0" and "<base>.1", one record per line.  A responder writes a
 * record to the journal with one write(2), acknowledges it, and stores
 * records in bulk behind it; a record is taken out of the journal only
 * once it is stored, so one that was acknowledged survives a crash of
 * the process (the next open reads it back).
 *
 * Each file is mapped into memory (MAP_SHARED), so an append is a copy
 * into the page cache, with no system call; the process can die right
 * after it and the kernel still writes the record out.  A file holds
 * records up to its first NUL byte: it is grown (and filled with zeros)
 * as needed, and cleared by zeroing what it holds.
 *
 * Records go to the active file.  Whoever stores the pending records
 * switches the active file first, stores what the other file holds, then
 * clears that file.  One process per journal: the first file carries an
 * exclusive flock(2) for as long as the journal is open.
 *
 * Nothing here locks between threads: the caller serialises appends and
 * switches (cavra-activity does both under one mutex).
 */
#ifndef CV_JOURNAL_H
#define CV_JOURNAL_H

#include <stddef.h>

#include "cv_err.h"

struct json_object;
struct cv_journal;

/* Opens or creates the journal "<base>.0"/"<base>.1"; with sync set,
 * cv_journal_sync() writes a file out to disk.  CV_EBUSY when another
 * process has it open; CV_EIO when the files cannot be opened. */
enum cv_err	 cv_journal_open(const char *base, int sync,
		    struct cv_journal **);
/* Every record the files hold, file 0 then file 1, each in file order,
 * as a new array.  Lines that are not a JSON object (a write cut short by a
 * crash) are skipped with a log line.  CV_EIO on a read error. */
enum cv_err	 cv_journal_read(struct cv_journal *, struct json_object **);
/* Appends one record, text of len bytes without a newline or NUL, to
 * the active file.  CV_EINVAL when text holds either; CV_EIO when the
 * file cannot grow to hold it. */
enum cv_err	 cv_journal_append(struct cv_journal *, const char *text,
		    size_t len);
/* Overwrites len bytes at offset off of file `which` (cv_journal_size()
 * before the append gives a record's offset) with spaces: the record there
 * is not read back.  CV_EINVAL outside the file's records. */
enum cv_err	 cv_journal_blank(struct cv_journal *, int which, size_t off,
		    size_t len);
/* With sync set at open, fdatasync(2)s file `which` (0 or 1): no lock
 * needed.  CV_EIO when that fails. */
enum cv_err	 cv_journal_sync(struct cv_journal *, int which);
/* The file appends go to. */
int		 cv_journal_active(const struct cv_journal *);
/* Makes the other file active; returns the file that was. */
int		 cv_journal_switch(struct cv_journal *);
/* Empties file `which` (0 or 1).  CV_EIO on failure. */
enum cv_err	 cv_journal_clear(struct cv_journal *, int which);
/* Bytes file `which` holds. */
size_t		 cv_journal_size(const struct cv_journal *, int which);
void		 cv_journal_close(struct cv_journal *);

#endif /* !CV_JOURNAL_H */
