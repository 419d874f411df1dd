"""bnswap.core.cpu reads the CPU's model name and bf16 features from /proc/cpuinfo text."""

from bnswap.core import cpu as C
from bnswap.core.cpu import cpu_bf16_features, cpu_facts, cpu_model

AMX = """processor\t: 0
model name\t: Intel(R) Xeon(R) Platinum 8480+
flags\t\t: fpu sse2 avx2 avx512f avx512_bf16 amx_bf16 amx_tile amx_int8 avx512_fp16
processor\t: 1
model name\t: something else
flags\t\t: fpu
"""
AVX2 = "processor : 0\nmodel name : AMD EPYC 7B13\nflags : fpu sse2 avx2 fma\n"


def test_model_and_bf16_features_of_the_first_processor():
    assert cpu_model(AMX) == "Intel(R) Xeon(R) Platinum 8480+"
    assert cpu_bf16_features(AMX) == ["amx_bf16", "amx_int8", "amx_tile", "avx512_bf16"]


def test_a_cpu_without_bf16_units_has_no_features():
    assert cpu_model(AVX2) == "AMD EPYC 7B13"
    assert cpu_bf16_features(AVX2) == []


def test_unknown_text_gives_empty_answers():
    assert cpu_model("") == "" and cpu_bf16_features("") == []


def test_this_machine_answers_with_the_right_types():
    assert isinstance(cpu_model(), str)
    assert all(isinstance(f, str) for f in cpu_bf16_features())


def test_cpu_records_name_the_cpu_and_its_bf16_features():
    import torch

    from bnswap.core.train import device_info

    info = device_info(torch.device("cpu"))
    assert info["cpu_model"] == cpu_model() and info["cpu_bf16"] == cpu_bf16_features()


def test_cpu_facts_read_cpuinfo_once(monkeypatch):
    reads = []
    monkeypatch.setattr(C, "_cpuinfo", lambda: reads.append(1) or AMX)
    assert cpu_facts() == (cpu_model(AMX), cpu_bf16_features(AMX)) and len(reads) == 1
