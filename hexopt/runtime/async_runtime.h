/* hexopt's async runtime: the C ABI that MLIR's convert-async-to-llvm lowering calls.
 *
 * Tokens, values and groups are reference counted. The lowering's contract:
 *   - a new token or value starts with two references: one for the code that created it and
 *     one that the producer gives back when it emplaces it (or sets it to error);
 *   - a new group starts with one reference;
 *   - `Execute` and the `*AndExecute` calls take a suspended coroutine (handle + resume function)
 *     and resume it later on a worker thread.
 * The index-typed result of GetNumWorkerThreads is declared with the module's index width (i32 or
 * i64 on Hexagon: abi=compact / the reference ABI's default 32-bit body, or index-bitwidth=64): it
 * returns int64_t, whose low word is where a caller expecting an i32 reads it (r0 of the r1:0 pair
 * on Hexagon, eax of rax on x86-64). Sizes and counts are int64_t, as in the lowered IR.
 */
#ifndef HEXOPT_ASYNC_RUNTIME_H
#define HEXOPT_ASYNC_RUNTIME_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hx_token hx_token;
typedef struct hx_value hx_value;
typedef struct hx_group hx_group;
typedef void (*hx_resume_fn)(void *coro_handle);

void mlirAsyncRuntimeAddRef(void *object, int64_t count);
void mlirAsyncRuntimeDropRef(void *object, int64_t count);

hx_token *mlirAsyncRuntimeCreateToken(void);
hx_value *mlirAsyncRuntimeCreateValue(int64_t size);
hx_group *mlirAsyncRuntimeCreateGroup(int64_t size);
int64_t mlirAsyncRuntimeAddTokenToGroup(hx_token *token, hx_group *group);

void mlirAsyncRuntimeEmplaceToken(hx_token *token);
void mlirAsyncRuntimeEmplaceValue(hx_value *value);
void mlirAsyncRuntimeSetTokenError(hx_token *token);
void mlirAsyncRuntimeSetValueError(hx_value *value);
bool mlirAsyncRuntimeIsTokenError(hx_token *token);
bool mlirAsyncRuntimeIsValueError(hx_value *value);
bool mlirAsyncRuntimeIsGroupError(hx_group *group);

void mlirAsyncRuntimeAwaitToken(hx_token *token);
void mlirAsyncRuntimeAwaitValue(hx_value *value);
void mlirAsyncRuntimeAwaitAllInGroup(hx_group *group);
void *mlirAsyncRuntimeGetValueStorage(hx_value *value);

void mlirAsyncRuntimeExecute(void *coro_handle, hx_resume_fn resume);
void mlirAsyncRuntimeAwaitTokenAndExecute(hx_token *token, void *coro_handle, hx_resume_fn resume);
void mlirAsyncRuntimeAwaitValueAndExecute(hx_value *value, void *coro_handle, hx_resume_fn resume);
void mlirAsyncRuntimeAwaitAllInGroupAndExecute(hx_group *group, void *coro_handle, hx_resume_fn resume);

/* The lowering calls this misspelled name (sic, upstream); the other spelling is an alias. */
int64_t mlirAsyncRuntimGetNumWorkerThreads(void);
int64_t mlirAsyncRuntimeGetNumWorkerThreads(void);

/* hexopt extras for harnesses: worker count ($HEXOPT_NUM_THREADS, default 4; set before first use)
 * and counters of what the runtime did, to check that work really went through the pool. */
void hexoptAsyncRuntimeSetNumThreads(int n);
void hexoptAsyncRuntimeQuiesce(void);
int64_t hexoptAsyncRuntimeTasksRun(void);
int hexoptAsyncRuntimeThreadsUsed(void);
int64_t hexoptAsyncRuntimeLiveObjects(void);

#ifdef __cplusplus
}
#endif

#endif
