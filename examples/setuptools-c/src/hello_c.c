/* hello_c: a minimal CPython C-API extension module (no pybind11). */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <limits.h>

/* The CPU architecture this file was compiled for, from the compiler's predefined macros. */
#if defined(__x86_64__) || defined(_M_X64)
#define HELLO_ARCH "x86_64"
#elif defined(__aarch64__) || defined(_M_ARM64)
#define HELLO_ARCH "aarch64"
#elif defined(__i386__) || defined(_M_IX86)
#define HELLO_ARCH "x86"
#else
#define HELLO_ARCH "unknown"
#endif

static PyObject *
hello_add(PyObject *self, PyObject *args)
{
    long long a, b;
    (void)self;
    if (!PyArg_ParseTuple(args, "LL:add", &a, &b)) {
        return NULL;
    }
    if ((b > 0 && a > LLONG_MAX - b) || (b < 0 && a < LLONG_MIN - b)) {
        PyErr_SetString(PyExc_OverflowError, "add: result does not fit in 64 bits");
        return NULL;
    }
    return PyLong_FromLongLong(a + b);
}

static PyObject *
hello_arch(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    return PyUnicode_FromString(HELLO_ARCH);
}

static PyMethodDef hello_methods[] = {
    {"add", hello_add, METH_VARARGS, "add(a, b) -> int: add two 64-bit integers."},
    {"arch", hello_arch, METH_NOARGS, "arch() -> str: the CPU architecture this module was compiled for."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef hello_module = {
    PyModuleDef_HEAD_INIT,
    "hello_c",
    "builddoctor example extension module.",
    -1,
    hello_methods,
};

PyMODINIT_FUNC
PyInit_hello_c(void)
{
    return PyModule_Create(&hello_module);
}
