#!/usr/bin/env python3
"""Web of Science forms of ROR names, to check that the matcher reads the Web of Science's address
abbreviations ("Med Hsch Hannover", "Natl Inst Infect Dis", "N China Elect Power Univ").

Takes 4,000 active organisations of the ROR subset (a fixed seed) whose English display name has a word
the Web of Science abbreviates, writes each as the Web of Science would ("ABBREVIATED NAME, City,
Country."), and saves them as a gold set whose answer is the organisation itself. Then run the
affiliations example on it:

    python3 bench/wos_forms.py ../shared/data /tmp/wos-forms
    bench/affiliations.sh /tmp/wos-forms

The abbreviations below are the Web of Science's as we know them; the check says whether the matcher
reads these forms, not whether the list is complete.
"""
import json
import os
import random
import re
import sys

from gold_set import active_organisations, gold_folder

# Word → how the Web of Science writes it. Words it keeps as written ('Energy', 'Law') are listed too,
# so that names made of them are sampled.
ABBR={'university':'Univ','institute':'Inst','department':'Dept','center':'Ctr','centre':'Ctr','college':'Coll',
'school':'Sch','hospital':'Hosp','national':'Natl','laboratory':'Lab','laboratories':'Labs','research':'Res',
'science':'Sci','sciences':'Sci','technology':'Technol','technical':'Tech','engineering':'Engn','academy':'Acad',
'faculty':'Fac','international':'Int','american':'Amer','association':'Assoc','society':'Soc','foundation':'Fdn',
'agricultural':'Agr','agriculture':'Agr','health':'Hlth','cancer':'Canc','general':'Gen','memorial':'Mem',
'clinical':'Clin','clinic':'Clin','pharmaceutical':'Pharmaceut','pharmacy':'Pharm','veterinary':'Vet',
'polytechnic':'Polytech','federal':'Fed','environmental':'Environm','biology':'Biol','biological':'Biol',
'chemistry':'Chem','chemical':'Chem','physics':'Phys','mathematics':'Math','ministry':'Minist','graduate':'Grad',
'applied':'Appl','information':'Informat','computer':'Comp','electrical':'Elect','electronic':'Elect',
'mechanical':'Mech','economics':'Econ','education':'Educ','agency':'Agcy','administration':'Adm',
'government':'Govt','museum':'Mus','observatory':'Observ','geology':'Geol','psychiatry':'Psychiat','surgery':'Surg',
'dental':'Dent','advanced':'Adv','aviation':'Aviat','aerospace':'Aerosp','island':'Isl','nuclear':'Nucl',
'industrial':'Ind','medical':'Med','medicine':'Med','central':'Cent','southern':'So','north':'N','south':'S',
'east':'E','west':'W','saint':'St','mount':'Mt','nutrition':'Nutr','pathology':'Pathol','pediatrics':'Pediat',
'pharmacology':'Pharmacol','physiology':'Physiol','psychology':'Psychol','theoretical':'Theoret','tropical':'Trop',
'zoology':'Zool','experimental':'Expt','geography':'Geog','history':'Hist','development':'Dev',
'communication':'Commun','communications':'Commun','military':'Mil','statistical':'Stat','marine':'Mar','materials':'Mat',
'public':'Publ','political':'Polit','traditional':'Tradit','petroleum':'Petr','language':'Lang','languages':'Lang',
'manufacturing':'Mfg','protection':'Protect','commission':'Commiss','library':'Lib','system':'Syst',
'systems':'Syst','service':'Serv','services':'Serv','molecular':'Mol','genetics':'Genet',
'transportation':'Transportat','automation':'Automat','construction':'Construct','cooperative':'Cooperat',
'integrated':'Integrat','innovation':'Innovat','prevention':'Prevent','oncology':'Oncol','neuroscience':'Neurosci',
'infectious':'Infect','biomedical':'Biomed','biotechnology':'Biotechnol','ecology':'Ecol','immunology':'Immunol',
'microbiology':'Microbiol','epidemiology':'Epidemiol','rehabilitation':'Rehabil','pedagogical':'Pedag',
'california':'Calif','pennsylvania':'Penn','technological':'Technol','technologies':'Technol',
'management':'Management','cardiovascular':'Cardiovasc','diseases':'Dis','disease':'Dis','children':'Childrens',
"children's":'Childrens','women':'Womens',"women's":'Womens','infirmary':'Infirm','teaching':'Teaching',
'population':'Populat','conservation':'Conservat','renewable':'Renewable','energy':'Energy','water':'Water',
'resources':'Resources','surveying':'Survey','survey':'Survey','geological':'Geol','meteorological':'Meteorol',
'meteorology':'Meteorol','oceanography':'Oceanog','oceanographic':'Oceanog','fisheries':'Fisheries',
'forestry':'Forestry','animal':'Anim','plant':'Plant','food':'Food','safety':'Safety','nursing':'Nursing',
'psychological':'Psychol','social':'Social','policy':'Policy','studies':'Studies','business':'Business',
'economic':'Econ','finance':'Finance','financial':'Financial','law':'Law','arts':'Arts','art':'Art','music':'Mus',
'design':'Design','architecture':'Architecture','civil':'Civil','mining':'Min','metallurgy':'Met',
'astronomy':'Astron','astronomical':'Astron','astrophysics':'Astrophys','atmospheric':'Atmospher',
'biochemistry':'Biochem','bioinformatics':'Bioinformat','biophysics':'Biophys','endocrinology':'Endocrinol',
'dermatology':'Dermatol','ophthalmology':'Ophthalmol','radiology':'Radiol','urology':'Urol','cardiology':'Cardiol',
'neurology':'Neurol','virology':'Virol','toxicology':'Toxicol','obstetrics':'Obstet','gynecology':'Gynecol',
'orthopaedic':'Orthopaed','orthopedic':'Orthoped','regional':'Reg','district':'Dist','provincial':'Prov',
'municipal':'Municipal','metropolitan':'Metropolitan','catholic':'Catholic','normal':'Normal','teachers':'Teachers',
'polytechnical':'Polytech','superior':'Super','maritime':'Maritime','electric':'Elect','power':'Power'}
DROP={'of','the','and','for','at','in','de','la','del','di','du','des'}
COUNTRY={'US':'USA','CN':'Peoples R China','GB':'England','KR':'South Korea','TW':'Taiwan','RU':'Russia','IR':'Iran'}


def main():
    data, out_dir = sys.argv[1], sys.argv[2]
    gold_dir = gold_folder(data, out_dir)
    random.seed(7)
    recs = []
    for r in active_organisations(data):
        disp = [n["value"] for n in r["names"] if "ror_display" in n["types"]][0]
        if not re.fullmatch(r"[A-Za-z0-9 ,.'&()-]+", disp) or "(" in disp:
            continue
        words = re.findall(r"[A-Za-z0-9']+|&", disp)
        if not any(w.lower() in ABBR for w in words):
            continue
        g = r["locations"][0]["geonames_details"]
        recs.append((r["id"], words, g.get("name", ""), g.get("country_code", ""), g.get("country_name", "")))
    random.shuffle(recs)
    out = []
    for rid, words, city, cc, cname in recs[:4000]:
        abbreviated = []
        for w in words:
            lw = w.lower()
            if lw in DROP:
                continue
            abbreviated.append("&" if w == "&" else ABBR.get(lw, w.replace("'", "")))
        name = " ".join(abbreviated).replace(" & &", " &").strip(" &")
        out.append({"affiliation": f"{name}, {city}, {COUNTRY.get(cc, cname)}.", "ror_ids": [rid]})
    with open(os.path.join(gold_dir, "wos_forms.json"), "w") as f:
        json.dump(out, f, ensure_ascii=False, indent=0)
    print(f"{len(out)} Web of Science forms written to {gold_dir}/wos_forms.json")


if __name__ == "__main__":
    main()
