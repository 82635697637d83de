import { describe, expect, it } from 'vitest';
import { compareSpans } from '../../../../../workers/corpus/document';
import {
  importLabelStudio,
  labelStudioConfig,
  labelStudioTask,
  labelStudioWriter,
} from '../../../../../workers/corpus/formats/label-studio';
import { exportDocuments } from '../../../../../workers/corpus/formats';
import { fresh, reviewed } from './sample';

describe('Label Studio export', () => {
  it('puts every model span in predictions and the effective spans of a reviewed document in annotations', () => {
    const task = labelStudioTask(reviewed);
    expect(task.predictions).toHaveLength(1);
    expect(task.predictions[0]!.model_version).toBe('m1');
    expect(task.predictions[0]!.score).toBeCloseTo((0.9 + 0.4 + 0.8) / 3);
    expect(task.predictions[0]!.result.map((r) => [r.value.text, r.score])).toEqual([
      ['Ada Lovelace', 0.9],
      ['Charles', 0.4],
      ['London', 0.8],
    ]);
    expect(task.annotations![0]!.result.map((r) => [r.id, r.value.text, r.value.labels])).toEqual([
      ['m0', 'Ada Lovelace', ['person']],
      ['p0', 'Charles Babbage', ['person']],
      ['m2', 'London', ['place']],
    ]);
    expect(task.data.uniner.decisions).toEqual({ m0: 'accepted', m1: 'rejected' });
    expect(task.predictions[0]!.result[0]).toMatchObject({
      from_name: 'label',
      to_name: 'text',
      type: 'labels',
    });
  });

  it('gives an untouched document no annotation', () => {
    expect(labelStudioTask(fresh).annotations).toBeUndefined();
  });

  it('streams one JSON array, one task per line', () => {
    const writer = labelStudioWriter();
    const text = writer.header() + writer.item(reviewed) + writer.item(fresh) + writer.footer();
    expect(JSON.parse(text)).toHaveLength(2);
    expect(text.split('\n')).toHaveLength(5);
    const empty = labelStudioWriter();
    expect(JSON.parse(empty.header() + empty.footer())).toEqual([]);
  });

  it('writes the labeling config with escaped label names', () => {
    expect(labelStudioConfig(['person', 'R&D "lab"'])).toBe(
      '<View>\n  <Labels name="label" toName="text">\n    <Label value="person"/>\n' +
        '    <Label value="R&amp;D &quot;lab&quot;"/>\n  </Labels>\n  <Text name="text" value="$text"/>\n</View>\n',
    );
  });
});

describe('Label Studio import', () => {
  it('reads its own export back: same spans, sources and decisions', () => {
    const { text } = exportDocuments('label-studio', [reviewed, fresh]);
    const { documents, problems } = importLabelStudio(text, 'ls.json');
    expect(problems).toEqual([]);
    expect(documents[0]!.spans).toEqual([...reviewed.spans].sort(compareSpans));
    expect(documents[0]!.document).toEqual(reviewed.document);
    expect(documents[1]!.spans).toEqual(fresh.spans);
  });

  it("reads a person's work done in Label Studio: a deleted prediction is rejected, a new region is theirs", () => {
    const task = JSON.parse(JSON.stringify(labelStudioTask(fresh)));
    const hopper = task.predictions[0].result[0];
    task.annotations = [
      { was_cancelled: true, result: [] },
      {
        was_cancelled: false,
        result: [
          { ...hopper, id: 'x7Yz' },
          {
            id: 'q1',
            from_name: 'label',
            to_name: 'text',
            type: 'labels',
            value: { start: 0, end: 5, text: 'Grace', labels: ['person'] },
          },
        ],
      },
    ];
    const { documents, problems } = importLabelStudio(JSON.stringify([task]), 'ls.json');
    expect(problems).toEqual([]);
    expect(documents[0]!.spans.map((s) => [s.start, s.end, s.source, s.decision])).toEqual([
      [0, 5, 'person', undefined],
      [0, 12, 'model', undefined],
      [23, 32, 'model', 'rejected'],
    ]);
  });

  it('reports each bad region with the line of its task and imports the rest', () => {
    const good = labelStudioTask(fresh);
    const bad = JSON.parse(JSON.stringify(labelStudioTask(reviewed)));
    bad.predictions[0].result[2].value.end = 500;
    bad.annotations[0].result[1].value.labels = ['ghost'];
    const json = `[\n${JSON.stringify(good)},\n${JSON.stringify(bad)},\n{"data":{}}\n]`;
    const { documents, problems } = importLabelStudio(json, 'ls.json');
    expect(documents.map((d) => d.document.id)).toEqual(['doc-2', 'doc-1']);
    expect(problems).toEqual([
      {
        file: 'ls.json',
        line: 3,
        message: expect.stringMatching(/task 2: prediction: span \[43, 500\) place lies outside the text/),
      },
      {
        file: 'ls.json',
        line: 3,
        message: expect.stringMatching(/task 2: annotation: .* unknown label "ghost"/),
      },
      { file: 'ls.json', line: 4, message: 'task 3: a task needs "data": { "text": … }' },
    ]);
  });

  it('names the line of a JSON syntax error', () => {
    const { documents, problems } = importLabelStudio('[\n{"data":\n  {"text": "x",}}\n]', 'ls.json');
    expect(documents).toEqual([]);
    expect(problems[0]).toMatchObject({
      file: 'ls.json',
      line: 3,
      message: expect.stringMatching(/^not JSON/),
    });
  });
});
