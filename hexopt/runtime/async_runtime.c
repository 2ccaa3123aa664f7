/* hexopt's async runtime for Hexagon (and any pthreads target): see async_runtime.h.
 *
 * One object header (reference count, mutex, condition, state, list of callbacks to run when the
 * object becomes ready) serves tokens, values and groups. A fixed pool of worker threads resumes
 * coroutines from a FIFO queue. Blocking awaits wait on the object's condition variable; the
 * "AndExecute" awaits register a callback that queues the coroutine once the object is ready.
 *
 * Built with HX_CALLER_HELPS=1 (the host JIT's build, hexopt/runner/host.py), a thread that blocks in an
 * await first runs queued tasks itself: a kernel's calling thread then starts on its tasks at once
 * instead of sleeping while the workers wake (on a 2-vCPU VM a sleeping worker took longer to wake than
 * an 80 us task). The Hexagon build keeps the workers alone (the harness counts the threads they use).
 */
#include "async_runtime.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef HX_CALLER_HELPS
#define HX_CALLER_HELPS 0
#endif


enum { STATE_PENDING = 0, STATE_READY = 1, STATE_ERROR = 2 };
enum { KIND_TOKEN = 1, KIND_VALUE = 2, KIND_GROUP = 3 };

typedef struct callback {
  void (*fn)(void *a, void *b);
  void *a, *b;
  struct callback *next;
} callback;

typedef struct object {
  _Atomic int64_t refs;
  int kind;
  int state;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  callback *on_ready; /* run once, in registration order, when state leaves PENDING */
  callback **on_ready_tail;
} object;

struct hx_token {
  object o;
};

struct hx_value {
  object o;
  void *storage;
};

struct hx_group {
  object o;
  int64_t pending; /* tokens still to complete, counted down from the size given at creation */
  int64_t added;   /* tokens added so far: AddTokenToGroup returns this before incrementing */
  int error;
};

static _Atomic int64_t live_objects;
static _Atomic int64_t tasks_run;

static void die(const char *msg) {
  fprintf(stderr, "hexopt async runtime: %s\n", msg);
  abort();
}

static void *xalloc(size_t n) {
  void *p = calloc(1, n);
  if (!p)
    die("out of memory");
  return p;
}

static void object_init(object *o, int kind, int64_t refs) {
  atomic_init(&o->refs, refs);
  o->kind = kind;
  o->state = STATE_PENDING;
  pthread_mutex_init(&o->mu, NULL);
  pthread_cond_init(&o->cv, NULL);
  o->on_ready = NULL;
  o->on_ready_tail = &o->on_ready;
  atomic_fetch_add(&live_objects, 1);
}

static void object_free(object *o) {
  if (o->on_ready)
    die("object destroyed while someone still waits for it");
  pthread_mutex_destroy(&o->mu);
  pthread_cond_destroy(&o->cv);
  if (o->kind == KIND_VALUE)
    free(((hx_value *)o)->storage);
  atomic_fetch_sub(&live_objects, 1);
  free(o);
}

/* Leave PENDING for `state`, wake blocking waiters, then run the callbacks outside the lock. */
static void object_complete(object *o, int state) {
  pthread_mutex_lock(&o->mu);
  if (o->state != STATE_PENDING) {
    pthread_mutex_unlock(&o->mu);
    die("token, value or group completed twice");
  }
  o->state = state;
  callback *list = o->on_ready;
  o->on_ready = NULL;
  o->on_ready_tail = &o->on_ready;
  pthread_cond_broadcast(&o->cv);
  pthread_mutex_unlock(&o->mu);
  while (list) {
    callback *next = list->next;
    list->fn(list->a, list->b);
    free(list);
    list = next;
  }
}

/* Run fn(a, b) once `o` is ready: now if it already is, else when it completes. */
static void object_when_ready(object *o, void (*fn)(void *, void *), void *a, void *b) {
  pthread_mutex_lock(&o->mu);
  if (o->state != STATE_PENDING) {
    pthread_mutex_unlock(&o->mu);
    fn(a, b);
    return;
  }
  callback *cb = xalloc(sizeof *cb);
  cb->fn = fn;
  cb->a = a;
  cb->b = b;
  *o->on_ready_tail = cb;
  o->on_ready_tail = &cb->next;
  pthread_mutex_unlock(&o->mu);
}

static int object_state(object *o);
static int help_one(void);

static void object_wait(object *o) {
#if HX_CALLER_HELPS
  while (object_state(o) == STATE_PENDING && help_one()) {
  }
#endif
  pthread_mutex_lock(&o->mu);
  while (o->state == STATE_PENDING)
    pthread_cond_wait(&o->cv, &o->mu);
  pthread_mutex_unlock(&o->mu);
}

static int object_state(object *o) {
  pthread_mutex_lock(&o->mu);
  int s = o->state;
  pthread_mutex_unlock(&o->mu);
  return s;
}

/* ---------------------------------------------------------------------------------------------
 * Worker pool */

typedef struct task {
  void *handle;
  hx_resume_fn resume;
  struct task *next;
} task;

static pthread_mutex_t pool_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_cv = PTHREAD_COND_INITIALIZER;
static pthread_cond_t idle_cv = PTHREAD_COND_INITIALIZER; /* signalled when the pool may have gone idle */
static int busy;                                          /* tasks being run; guarded by pool_mu */
static task *queue_head, *queue_tail;
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;
static int num_threads; /* 0 until the pool starts or SetNumThreads is called */
static _Atomic int threads_used;

/* Take the first queued task (pool_mu held); the caller runs it with run_task. */
static task *take_task_locked(void) {
  task *t = queue_head;
  queue_head = t->next;
  if (!queue_head)
    queue_tail = NULL;
  busy++;
  return t;
}

static void run_task(task *t) {
  t->resume(t->handle);
  free(t);
  atomic_fetch_add(&tasks_run, 1);
  pthread_mutex_lock(&pool_mu);
  if (--busy == 0 && !queue_head)
    pthread_cond_broadcast(&idle_cv);
  pthread_mutex_unlock(&pool_mu);
}

static void *worker_main(void *arg) {
  (void)arg;
  int counted = 0;
  for (;;) {
    pthread_mutex_lock(&pool_mu);
    while (!queue_head)
      pthread_cond_wait(&pool_cv, &pool_mu);
    task *t = take_task_locked();
    pthread_mutex_unlock(&pool_mu);
    if (!counted) {
      counted = 1;
      atomic_fetch_add(&threads_used, 1);
    }
    run_task(t);
  }
  return NULL;
}

/* Run one queued task on the calling thread; 0 if the queue is empty. */
static int help_one(void) {
  pthread_mutex_lock(&pool_mu);
  if (!queue_head) {
    pthread_mutex_unlock(&pool_mu);
    return 0;
  }
  task *t = take_task_locked();
  pthread_mutex_unlock(&pool_mu);
  run_task(t);
  return 1;
}

static void pool_start(void) {
  if (num_threads <= 0) {
    const char *env = getenv("HEXOPT_NUM_THREADS");
    num_threads = env ? atoi(env) : 4;
    if (num_threads <= 0)
      num_threads = 4;
  }
  /* Kernels run on worker stacks and may keep large buffers there; musl's default is 128 KiB. */
  size_t stack = 8u << 20;
  const char *env_stack = getenv("HEXOPT_THREAD_STACK_KB");
  if (env_stack && atoi(env_stack) > 0)
    stack = (size_t)atoi(env_stack) << 10;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, stack);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  for (int i = 0; i < num_threads; i++) {
    pthread_t tid;
    if (pthread_create(&tid, &attr, worker_main, NULL) != 0)
      die("cannot start a worker thread");
  }
  pthread_attr_destroy(&attr);
}

static void submit(void *handle, void *resume) {
  pthread_once(&pool_once, pool_start);
  task *t = xalloc(sizeof *t);
  t->handle = handle;
  t->resume = (hx_resume_fn)resume;
  pthread_mutex_lock(&pool_mu);
  if (queue_tail)
    queue_tail->next = t;
  else
    queue_head = t;
  queue_tail = t;
  pthread_cond_signal(&pool_cv);
  pthread_mutex_unlock(&pool_mu);
}

/* ---------------------------------------------------------------------------------------------
 * The C ABI */

void mlirAsyncRuntimeAddRef(void *p, int64_t count) { atomic_fetch_add(&((object *)p)->refs, count); }

void mlirAsyncRuntimeDropRef(void *p, int64_t count) {
  object *o = p;
  int64_t before = atomic_fetch_sub(&o->refs, count);
  if (before == count)
    object_free(o);
  else if (before < count)
    die("reference count dropped below zero");
}

hx_token *mlirAsyncRuntimeCreateToken(void) {
  hx_token *t = xalloc(sizeof *t);
  object_init(&t->o, KIND_TOKEN, 2);
  return t;
}

hx_value *mlirAsyncRuntimeCreateValue(int64_t size) {
  hx_value *v = xalloc(sizeof *v);
  object_init(&v->o, KIND_VALUE, 2);
  /* 128-byte alignment: a value may hold an HVX vector. */
  size_t n = size > 0 ? (size_t)size : 1;
  v->storage = aligned_alloc(128, (n + 127) & ~(size_t)127);
  if (!v->storage)
    die("out of memory");
  return v;
}

hx_group *mlirAsyncRuntimeCreateGroup(int64_t size) {
  hx_group *g = xalloc(sizeof *g);
  object_init(&g->o, KIND_GROUP, 1);
  g->pending = size;
  if (size == 0)
    g->o.state = STATE_READY;
  return g;
}

static void group_token_done(void *group, void *token) {
  hx_group *g = group;
  int token_failed = object_state(&((hx_token *)token)->o) == STATE_ERROR;
  pthread_mutex_lock(&g->o.mu);
  g->error |= token_failed;
  int64_t left = --g->pending;
  pthread_mutex_unlock(&g->o.mu);
  if (left < 0)
    die("more tokens completed in a group than its size");
  if (left == 0)
    object_complete(&g->o, STATE_READY);
  mlirAsyncRuntimeDropRef(g, 1); /* the reference AddTokenToGroup took */
}

int64_t mlirAsyncRuntimeAddTokenToGroup(hx_token *token, hx_group *group) {
  pthread_mutex_lock(&group->o.mu);
  int64_t rank = group->added++;
  pthread_mutex_unlock(&group->o.mu);
  mlirAsyncRuntimeAddRef(group, 1); /* keep the group alive until this token completes */
  object_when_ready(&token->o, group_token_done, group, token);
  return rank;
}

void mlirAsyncRuntimeEmplaceToken(hx_token *t) {
  object_complete(&t->o, STATE_READY);
  mlirAsyncRuntimeDropRef(t, 1);
}

void mlirAsyncRuntimeEmplaceValue(hx_value *v) {
  object_complete(&v->o, STATE_READY);
  mlirAsyncRuntimeDropRef(v, 1);
}

void mlirAsyncRuntimeSetTokenError(hx_token *t) {
  object_complete(&t->o, STATE_ERROR);
  mlirAsyncRuntimeDropRef(t, 1);
}

void mlirAsyncRuntimeSetValueError(hx_value *v) {
  object_complete(&v->o, STATE_ERROR);
  mlirAsyncRuntimeDropRef(v, 1);
}

bool mlirAsyncRuntimeIsTokenError(hx_token *t) { return object_state(&t->o) == STATE_ERROR; }
bool mlirAsyncRuntimeIsValueError(hx_value *v) { return object_state(&v->o) == STATE_ERROR; }

bool mlirAsyncRuntimeIsGroupError(hx_group *g) {
  pthread_mutex_lock(&g->o.mu);
  int e = g->error;
  pthread_mutex_unlock(&g->o.mu);
  return e != 0;
}

void mlirAsyncRuntimeAwaitToken(hx_token *t) { object_wait(&t->o); }
void mlirAsyncRuntimeAwaitValue(hx_value *v) { object_wait(&v->o); }
void mlirAsyncRuntimeAwaitAllInGroup(hx_group *g) { object_wait(&g->o); }
void *mlirAsyncRuntimeGetValueStorage(hx_value *v) { return v->storage; }

void mlirAsyncRuntimeExecute(void *handle, hx_resume_fn resume) { submit(handle, (void *)resume); }

/* The coroutine is queued, never resumed inline: the caller is between coro.save and coro.suspend. */
void mlirAsyncRuntimeAwaitTokenAndExecute(hx_token *t, void *handle, hx_resume_fn resume) {
  object_when_ready(&t->o, submit, handle, (void *)resume);
}

void mlirAsyncRuntimeAwaitValueAndExecute(hx_value *v, void *handle, hx_resume_fn resume) {
  object_when_ready(&v->o, submit, handle, (void *)resume);
}

void mlirAsyncRuntimeAwaitAllInGroupAndExecute(hx_group *g, void *handle, hx_resume_fn resume) {
  object_when_ready(&g->o, submit, handle, (void *)resume);
}

static int configured_threads(void) {
  if (num_threads <= 0) {
    const char *env = getenv("HEXOPT_NUM_THREADS");
    int n = env ? atoi(env) : 4;
    return n > 0 ? n : 4;
  }
  return num_threads;
}

int64_t mlirAsyncRuntimGetNumWorkerThreads(void) { return configured_threads(); }
int64_t mlirAsyncRuntimeGetNumWorkerThreads(void) { return configured_threads(); }

void hexoptAsyncRuntimeSetNumThreads(int n) {
  if (n > 0)
    num_threads = n;
}

/* Wait until no task is queued or running. A kernel's await returns as soon as its last token is
 * ready, while the worker that made it ready is still finishing that task (dropping references,
 * counting it): counters read before this may miss it. */
void hexoptAsyncRuntimeQuiesce(void) {
  pthread_mutex_lock(&pool_mu);
  while (busy || queue_head)
    pthread_cond_wait(&idle_cv, &pool_mu);
  pthread_mutex_unlock(&pool_mu);
}

int64_t hexoptAsyncRuntimeTasksRun(void) { return atomic_load(&tasks_run); }
int hexoptAsyncRuntimeThreadsUsed(void) { return atomic_load(&threads_used); }
int64_t hexoptAsyncRuntimeLiveObjects(void) { return atomic_load(&live_objects); }
