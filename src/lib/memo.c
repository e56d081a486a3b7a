/*
 * memo.c - copies of values kept with their data's revision (see memo.h).
 */
#include "lib/memo.h"
#include "lib/util.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct slot {
	uint64_t hash; /* 0: free */
	int kind;
	int64_t rev;
	char key[MEMO_KEY_MAX];
	size_t size;
	void *value; /* malloc'ed, `size` bytes, grown as needed */
	size_t cap;
};

struct memo {
	pthread_mutex_t lock;
	size_t mask;
	atomic_uint_fast64_t hits, misses;
	struct slot slot[];
};

struct memo *memo_new(size_t slots)
{
	size_t n = 1;
	struct memo *m;

	while (n < slots)
		n <<= 1;
	if (!(m = calloc(1, sizeof *m + n * sizeof m->slot[0])))
		return NULL;
	pthread_mutex_init(&m->lock, NULL);
	m->mask = n - 1;
	atomic_init(&m->hits, 0);
	atomic_init(&m->misses, 0);
	return m;
}

void memo_free(struct memo *m)
{
	if (!m)
		return;
	for (size_t i = 0; i <= m->mask; i++)
		free(m->slot[i].value);
	pthread_mutex_destroy(&m->lock);
	free(m);
}

/* The key's hash, the kind mixed in. */
static uint64_t key_hash(int kind, const char *key)
{
	uint64_t h = ug_hash_str(key) ^ ((uint64_t)(unsigned)kind *
					 0x9e3779b97f4a7c15ULL);

	return h ? h : 1;
}

int memo_get(struct memo *m, int kind, const char *key, int64_t rev,
	     void *out, size_t size)
{
	uint64_t h = key_hash(kind, key);
	struct slot *s = &m->slot[h & m->mask];
	int found;

	pthread_mutex_lock(&m->lock);
	found = s->hash == h && s->kind == kind && s->rev == rev &&
		s->size == size && strcmp(s->key, key) == 0;
	if (found)
		memcpy(out, s->value, size);
	pthread_mutex_unlock(&m->lock);
	atomic_fetch_add(found ? &m->hits : &m->misses, 1);
	return found;
}

void memo_put(struct memo *m, int kind, const char *key, int64_t rev,
	      const void *value, size_t size)
{
	uint64_t h = key_hash(kind, key);
	size_t klen = strlen(key);
	struct slot *s = &m->slot[h & m->mask];

	if (rev < 0 || klen >= MEMO_KEY_MAX || size > MEMO_VALUE_MAX)
		return;
	pthread_mutex_lock(&m->lock);
	if (s->cap < size) {
		void *grown = realloc(s->value, size);

		if (!grown) { /* not kept: the next ask reads again */
			s->hash = 0;
			pthread_mutex_unlock(&m->lock);
			return;
		}
		s->value = grown;
		s->cap = size;
	}
	s->hash = h;
	s->kind = kind;
	s->rev = rev;
	memcpy(s->key, key, klen + 1);
	memcpy(s->value, value, size);
	s->size = size;
	pthread_mutex_unlock(&m->lock);
}

void memo_counts(struct memo *m, uint64_t *hits, uint64_t *misses)
{
	*hits = atomic_load(&m->hits);
	*misses = atomic_load(&m->misses);
}
