/*
 * arena.h - a region allocator: many small allocations, one free.
 *
 * Each HTTP request owns an arena; everything the request allocates for
 * its own life (decoded parameters, copies of path segments) comes from it
 * and is released in one call when the response has been sent.
 */
#ifndef UG_ARENA_H
#define UG_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block *head;
};

#define ARENA_INIT { NULL }

/* Allocate n bytes aligned for any type; NULL when out of memory. */
void *arena_alloc(struct arena *a, size_t n);

/* NUL-terminated copy of s[0..n); NULL when out of memory. */
char *arena_strndup(struct arena *a, const char *s, size_t n);

/* Release everything; the arena may be reused. */
void arena_free(struct arena *a);

#endif
