/** Example passages from several domains, each with the types worth asking about. Written for this app. */

/** One example the editor can load. */
export interface ExamplePassage {
  readonly id: string;
  readonly label: string;
  readonly text: string;
  readonly types: readonly string[];
}

export const EXAMPLE_PASSAGES: readonly ExamplePassage[] = [
  {
    id: 'news',
    label: 'News',
    text:
      'GENEVA — The World Health Organization said on Tuesday that Dr. Amina Okafor will lead a new ' +
      'task force on antimicrobial resistance. Okafor, who previously ran the Nigeria Centre for Disease ' +
      'Control in Abuja, told reporters that the group would meet in Nairobi in March before presenting ' +
      'its findings to the United Nations General Assembly in New York.',
    types: ['person', 'organization', 'location', 'date'],
  },
  {
    id: 'biomedical',
    label: 'Biomedical',
    text:
      'Patients with type 2 diabetes who received metformin showed lower expression of the TNF gene and ' +
      'reduced levels of C-reactive protein. In HepG2 cells, metformin activated AMPK and suppressed ' +
      'hepatic glucose production, whereas treatment with dexamethasone increased insulin resistance. ' +
      'No cases of lactic acidosis were reported.',
    types: ['disease', 'chemical', 'gene', 'protein', 'cell line'],
  },
  {
    id: 'ai-research',
    label: 'AI research',
    text:
      'At NeurIPS 2017, Ashish Vaswani and colleagues at Google Brain introduced the Transformer, an ' +
      'architecture based solely on attention that reached a BLEU score of 28.4 on the WMT 2014 ' +
      'English-to-German machine translation task. Their implementation, written in Python with ' +
      'TensorFlow, later inspired BERT from researchers at the University of Washington and Google.',
    types: [
      'algorithm',
      'conference',
      'researcher',
      'organization',
      'metrics',
      'task',
      'programming language',
      'product',
      'university',
    ],
  },
  {
    id: 'restaurant',
    label: 'Restaurant review',
    text:
      'Luigi’s Trattoria on Elm Street is open until midnight on weekends and has a lovely patio. The ' +
      'hand-made pappardelle with wild boar ragù is the best Italian dish I have had in years, and at ' +
      'about $18 a plate it is reasonably priced. Five stars, and they take reservations for large groups.',
    types: ['restaurant name', 'location', 'hours', 'amenity', 'dish', 'cuisine', 'price', 'rating'],
  },
  {
    id: 'music',
    label: 'Music',
    text:
      'Recorded at Abbey Road Studios in 1969, Abbey Road was the last album the Beatles made together. ' +
      'George Harrison wrote "Something" and "Here Comes the Sun", playing a Moog synthesizer on several ' +
      'tracks, and the record blends rock with touches of blues and pop. It won a Grammy Award for ' +
      'engineering and topped the charts in the United Kingdom and the United States.',
    types: [
      'album',
      'band',
      'musical artist',
      'song',
      'musical instrument',
      'music genre',
      'award',
      'country',
      'location',
    ],
  },
];
