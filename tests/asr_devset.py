"""A development set for tuning the recognizers, kept apart from the benchmark's test set.

Same phrase tables and the same conditions as ``bench.recognition`` (clean, music,
babble, pink at 10 dB), but different espeak-ng voice variants and speaking rates, a
different seed (other gaps, other music and noise), and other non-command sentences
(written here). Tuning happens on this set; the benchmark reports the result.

    .venv/bin/python -m tests.asr_devset [--lang en|ko] [--naive] [--out /tmp/asr-dev]

Prints one line per condition; runs the recognizer in this process (no memory figure).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from types import SimpleNamespace

from bench import dataset, languages, score, worker
from bench.voices import Voice

SEED = 7771

EN_VOICES = (
    Voice("en-us+m3", 160), Voice("en-gb+f4", 180), Voice("en-us+m2", 150),
    Voice("en-gb-x-rp+f1", 190), Voice("en-us+m5", 175), Voice("en-gb+m1", 165),
)
KO_VOICES = (Voice("ko+m1", 160), Voice("ko+f4", 180), Voice("ko+m5", 140))

EN_OTHER = (
    "The bakery on the corner closes early on Sundays.",
    "I need to call the plumber about the leaking tap.",
    "Next time we should bring a bigger umbrella.",
    "Go and ask your brother if he wants some tea.",
    "Stop worrying, the parcel will arrive tomorrow.",
    "Wait until the paint is completely dry.",
    "Can you repeat what the doctor told you?",
    "The slower lane was moving faster than ours.",
    "Start the car and let the engine warm up.",
    "Help yourself to anything in the fridge.",
    "We went back to the same beach every summer.",
    "How much time do we have before the film starts?",
    "Pause for a second and listen to the birds.",
    "That was the third step on the ladder that broke.",
    "Louder music would wake the baby upstairs.",
    "Yes, I think the shop is open until nine.",
    "No one told me the meeting had moved.",
    "Keep going straight and turn left at the lights.",
    "Exit the motorway at the second junction.",
    "Resume the download when the connection is back.",
    "Quit complaining and finish your soup.",
    "Hold on to the railing on the stairs.",
    "Skip the adverts and go straight to the news.",
    "The previous owner painted every room yellow.",
    "Continue down the hall and it is the last door.",
    "Again the bus was full so I walked.",
    "Which step do you mean, the top or the bottom?",
    "What can I say, the cake was delicious.",
)
KO_OTHER = (
    "오늘 저녁에는 비가 올 것 같아요.",
    "친구가 내일 서울에 온다고 했어요.",
    "이 책은 생각보다 재미있네요.",
    "커피를 한 잔 더 마시고 싶어요.",
    "다음 주에 같이 산책하러 갈까요?",
    "창문을 조금만 열어 주세요.",
    "다음 정류장에서 내리면 돼요.",
    "다시 한번 생각해 보니 괜찮은 것 같아요.",
    "그만 먹고 이제 일어나자.",
    "잠깐 기다리면 버스가 올 거예요.",
    "계속 걷다 보면 공원이 나와요.",
    "천천히 말해도 다 알아들어요.",
    "빨리 가면 기차를 탈 수 있어요.",
    "네 번째 집이 우리 집이에요.",
    "아니 그게 아니라 내일 말이야.",
    "뒤로 조금만 물러서 주세요.",
)


def dev_language(code: str) -> languages.Language:
    if code == "en":
        base = languages.english()
        return dataclasses.replace(base, voices=EN_VOICES, guide_voice=Voice("en-gb", 165),
                                   chat=EN_OTHER, near_miss=(),
                                   narration=base.narration[::3])
    base = languages.korean()
    return dataclasses.replace(base, voices=KO_VOICES, guide_voice=Voice("ko+f1", 160),
                               chat=KO_OTHER, near_miss=(), narration=base.narration[::2])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.asr_devset")
    parser.add_argument("--lang", default="en", choices=("en", "ko"))
    parser.add_argument("--naive", action="store_true")
    parser.add_argument("--reps", type=int, default=0, help="renditions per phrase (default: 2 en, 3 ko)")
    parser.add_argument("--out", default="/tmp/asr-dev")
    parser.add_argument("--verbose", action="store_true", help="print the commonest errors")
    args = parser.parse_args(argv)
    out = Path(args.out)
    args.reps = args.reps or (2 if args.lang == "en" else 3)
    lang = dev_language(args.lang)
    plan = dataset.Plan(command_reps=args.reps, speech_reps=6 if args.lang == "en" else 3)
    streams = dataset.build(lang, plan, out / args.lang, out / "cache", SEED)
    manifest = out / args.lang / "manifest.json"
    dataset.save_manifest(streams, manifest)
    engine = "pocketsphinx" if args.lang == "en" else "vosk"
    model = ""
    if args.lang == "ko":
        from bench.recognition import korean_model_dir

        model = str(korean_model_dir())
    ns = SimpleNamespace(manifest=str(manifest), lang=args.lang, engine=engine,
                         model_dir=model, naive=args.naive,
                         factory="voice_guide.asr.factory:make_recognizer")
    result = worker.run(ns)  # type: ignore[arg-type]
    summary = score.summarize(streams, result)
    for cond, row in summary["conditions"].items():
        print(f"{cond:7s} {row['correct']:3d}/{row['utterances']:3d} sub {row['substitutions']:3d}"
              f" miss {row['misses']:3d} ins {row['insertions']:2d}"
              f" p50 {row['latency_p50_s']} p95 {row['latency_p95_s']}")
        if args.verbose:
            print("        confusions:", dict(sorted(row["confusions"].items(),
                                                     key=lambda kv: -kv[1])[:12]))
    sp = summary["speech"]
    print(f"speech  {sp['minutes']:.1f} min false {sp['false_commands']}"
          f" ({sp['false_per_hour']:.1f}/h) rtf {summary['rtf_cpu']:.3f}")
    for t in sp["triggers"][:8]:
        print("   ", t)
    return 0


if __name__ == "__main__":
    sys.exit(main())
