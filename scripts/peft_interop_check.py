"""Usage: python3 peft_interop_check.py BASE_DIR ADAPTER_DIR MERGED_DIR TEXT_JSONL
Loads the workbench's PEFT adapter and merged model with transformers + peft on the GPU and recomputes perplexity
with the workbench's recipe (docs joined by blank lines, BOS first, non-overlapping 512-token windows)."""
import json, math, sys, time, torch
from transformers import AutoTokenizer, LlamaForCausalLM
from peft import PeftModel

dev = "cuda" if torch.cuda.is_available() else "cpu"
tok = AutoTokenizer.from_pretrained(sys.argv[1])
text = "\n\n".join(json.loads(l)["text"] for l in open(sys.argv[4]) if l.strip())
ids = [tok.bos_token_id] + tok(text, add_special_tokens=False)["input_ids"]

def ppl(model):
    model.eval().to(dev)
    nll, n = 0.0, 0
    with torch.no_grad():
        for s in range(0, len(ids) - 511, 512):
            w = torch.tensor([ids[s:s + 512]], device=dev)
            logp = torch.log_softmax(model(w).logits.double(), -1)
            nll -= logp[0, :-1].gather(-1, w[0, 1:, None]).sum().item()
            n += 511
    return math.exp(nll / n), n

out = {"device": torch.cuda.get_device_name(0) if dev == "cuda" else "cpu", "torch": torch.__version__,
       "text_tokens": len(ids)}
base = LlamaForCausalLM.from_pretrained(sys.argv[1], torch_dtype=torch.float32)
out["base"] = ppl(base)
peft = PeftModel.from_pretrained(base, sys.argv[2])
out["peft_adapter"] = ppl(peft)
out["peft_rank_pattern_r"] = {n: m.r for n, m in peft.named_modules() if hasattr(m, "r") and isinstance(getattr(m, "r"), dict)} and \
    sorted({v["default"] for n, m in peft.named_modules() if hasattr(m, "r") and isinstance(m.r, dict) for v in [m.r]})
merged = LlamaForCausalLM.from_pretrained(sys.argv[3], torch_dtype=torch.float32)
out["merged"] = ppl(merged)
print(json.dumps(out, default=str))
